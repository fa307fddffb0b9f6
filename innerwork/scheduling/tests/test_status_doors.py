"""The appointment's one status door, walked pair by pair against its map, written out here on purpose.

A change to Appointment.TRANSITIONS has to be made in both places.
"""

import itertools

import pytest

from innerwork.core.tests.status_doors import walk_pair
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import appointment_set_status
from innerwork.scheduling.tests.conftest import NOW
from innerwork.scheduling.tests.factories import AppointmentFactory

S = Appointment.Status
APPOINTMENT_MOVES = {
    (S.HELD, S.CONFIRMED),
    (S.HELD, S.EXPIRED),
    (S.HELD, S.CANCELED),
    (S.EXPIRED, S.CONFIRMED),  # a late payment onto a time still free
    (S.EXPIRED, S.HELD),  # paid again
    (S.CONFIRMED, S.COMPLETED),
    (S.CONFIRMED, S.NO_SHOW),
    (S.CONFIRMED, S.CANCELED),
}


def _door(row: Appointment, to: str) -> bool:
    # a held row always carries its hold's expiry (a check constraint), so a move to held sets one
    changes = {"hold_expires_at": NOW} if to == S.HELD else None
    return appointment_set_status(appointment=row, status=to, changes=changes, reason="walked")


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, repeat=2)))
def test_appointment_door_allows_exactly_its_map(from_status, to_status):
    # given an appointment in `from_status`; when the door is asked to move it to `to_status`
    appointment = AppointmentFactory(status=from_status)
    # then the map's pairs move once and are recorded; every other pair (a repeat included) is refused
    # and changes nothing (the services decide what a repeat means)
    walk_pair(row=appointment, door=_door, to_status=to_status, allowed=APPOINTMENT_MOVES, same_is_noop=False)
