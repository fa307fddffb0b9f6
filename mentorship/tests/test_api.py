"""Partner API: GET /api/v1/mentors/, /api/v1/mentors/{slug}/ and /api/v1/mentors/{slug}/slots/.

Time is fixed (`timezone.now` patched, as courses' page-cache tests do) so free times are exact.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innerwork.api.tests.factories import with_key
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.tests.factories import AppointmentFactory, CalendarFactory, WeeklyRuleFactory
from mentorship.api import (
    LENGTH_NOT_OFFERED,
    MENTOR_NOT_FOUND,
    NOT_DATE_OR_TIME,
    OFFSET_REQUIRED,
    RANGE_REVERSED,
    RANGE_TOO_LONG,
    UNKNOWN_EXPERTISE,
    UNKNOWN_LANGUAGE,
)
from mentorship.models import MentorProfile
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:mentor-list")
# A Monday morning in winter: Berlin is UTC+1.
NOW = datetime(2026, 12, 7, 8, 10, tzinfo=UTC)
WEEKDAYS = range(5)


@pytest.fixture
def client(client):
    """Django's test client with a partner key holding catalogue:read: the catalogue API needs one."""
    return with_key(client, scopes=["catalogue:read"])


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _detail_url(slug: str) -> str:
    return reverse("api:mentor-detail", kwargs={"slug": slug})


def _slots_url(slug: str) -> str:
    return reverse("api:mentor-slots", kwargs={"slug": slug})


def _mentor(
    slug: str,
    name: str,
    *,
    zone: str = "Europe/Berlin",
    days=WEEKDAYS,
    hours=(9, 17),
    notice_minutes: int = 60,
    horizon_days: int = 60,
    step: int = 30,
    calendar: bool = True,
    status=MentorProfile.Status.APPROVED,
    **kwargs,
) -> MentorProfile:
    """A mentor open `hours` (local to `zone`) on `days`; pass calendar=False for one who has not set hours."""
    mentor = MentorProfileFactory(slug=slug, user__full_name=name, status=status, **kwargs)
    if calendar:
        cal = CalendarFactory(
            owner=mentor.user,
            time_zone=zone,
            min_notice_minutes=notice_minutes,
            horizon_days=horizon_days,
            slot_step_minutes=step,
        )
        for weekday in days:
            WeeklyRuleFactory(calendar=cal, weekday=weekday, start_time=time(hours[0]), end_time=time(hours[1]))
    return mentor


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def _slugs(response) -> list[str]:
    return [item["slug"] for item in _ok(response)["data"]]


def _starts(body: dict) -> list[str]:
    return [slot["start"] for slot in body["slots"]]


# --- The list -----------------------------------------------------------------------------------------------


def test_list_returns_approved_mentors_as_paginated_cards_with_server_prices_and_next_free_time(client):
    # given an approved mentor in Berlin (open weekdays 09:00-17:00, an hour's notice), a pending and a deactivated one
    _mentor(
        "ana",
        "Ana López",
        headline="Leads first-time managers",
        bio="Twelve years of leading product teams.",
        hourly_rate_amount=12000,
        session_lengths=[60, 30],
        expertise=[ExpertiseFactory(slug="leadership", name="Leadership")],
        languages=[LanguageFactory(code="es"), LanguageFactory(code="en")],
    )
    _mentor("pending", "Pat Pending", status=MentorProfile.Status.PENDING)
    _mentor("gone", "Gil Gone", status=MentorProfile.Status.DEACTIVATED)

    # when a partner lists mentors
    body = _ok(client.get(LIST_URL))

    # then only Ana comes back; her first free 30 minutes start at the first 30-minute mark after 09:10 UTC
    assert (body["object"], body["has_more"]) == ("list", False)
    assert body["data"] == [
        {
            "slug": "ana",
            "name": "Ana López",
            "headline": "Leads first-time managers",
            "bio_summary": "Twelve years of leading product teams.",
            "expertise": [{"slug": "leadership", "name": "Leadership"}],
            "languages": [{"code": "en", "name": "English"}, {"code": "es", "name": "Spanish"}],
            "time_zone": "Europe/Berlin",
            "hourly_rate": {"amount": 12000, "currency": "usd", "display": "$120.00"},
            "sessions": [
                {"minutes": 30, "amount": 6000, "currency": "usd", "display": "$60.00"},
                {"minutes": 60, "amount": 12000, "currency": "usd", "display": "$120.00"},
            ],
            "next_free_slot": "2026-12-07T09:30:00Z",
            "url": "http://testserver/mentors/ana/",
        }
    ]


@pytest.mark.parametrize(
    ("rate", "currency", "lengths", "sessions"),
    [
        (12000, "usd", [30, 60], [(30, 6000, "$60.00"), (60, 12000, "$120.00")]),
        (9999, "usd", [45, 90], [(45, 7499, "$74.99"), (90, 14999, "$149.99")]),  # 7499.25 down, 14998.5 up
        (10001, "eur", [30], [(30, 5001, "€50.01")]),  # 5000.5 rounds half up
        (1, "usd", [30, 45], [(30, 1, "$0.01"), (45, 1, "$0.01")]),
        (5000, "jpy", [90], [(90, 7500, "¥7,500")]),  # no minor unit: the amount is yen
    ],
)
def test_session_prices_are_computed_on_the_server_from_the_hourly_rate(client, rate, currency, lengths, sessions):
    _mentor("ana", "Ana", hourly_rate_amount=rate, currency=currency, session_lengths=lengths)

    [item] = _ok(client.get(LIST_URL))["data"]

    assert [(s["minutes"], s["amount"], s["display"]) for s in item["sessions"]] == sessions
    assert {s["currency"] for s in item["sessions"]} == {currency}
    assert (item["hourly_rate"]["amount"], item["hourly_rate"]["currency"]) == (rate, currency)


@pytest.fixture
def three_mentors():
    """Ana (leadership, English, 120.00/h, free today), Ben (career, German, 80.00/h, no hours set),
    Cleo (leadership, German, 200.00/h, nothing free before 8 days' notice)."""
    leadership, career = ExpertiseFactory(slug="leadership"), ExpertiseFactory(slug="career")
    english, german = LanguageFactory(code="en"), LanguageFactory(code="de")
    _mentor("ana", "Ana", hourly_rate_amount=12000, expertise=[leadership], languages=[english])
    _mentor("ben", "Ben", hourly_rate_amount=8000, expertise=[career], languages=[german], calendar=False)
    _mentor(
        "cleo", "Cleo", hourly_rate_amount=20000, expertise=[leadership], languages=[german], notice_minutes=8 * 24 * 60
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["ana", "ben", "cleo"]),
        ({"expertise": "leadership"}, ["ana", "cleo"]),
        ({"expertise": "career"}, ["ben"]),
        ({"language": "de"}, ["ben", "cleo"]),
        ({"expertise": "leadership", "language": "de"}, ["cleo"]),
        ({"max_rate": 12000}, ["ana", "ben"]),  # at most the rate: 120.00 itself is kept
        ({"max_rate": 11999}, ["ben"]),
        ({"max_rate": 1}, []),
        ({"this_week": "true"}, ["ana"]),
        ({"this_week": "false"}, ["ana", "ben", "cleo"]),
        ({"this_week": "true", "language": "de"}, []),
    ],
)
def test_list_filters_like_the_mentors_page(client, three_mentors, params, expected):
    assert _slugs(client.get(LIST_URL, params)) == expected


def test_a_mentor_without_a_free_time_has_a_null_next_slot_and_their_accounts_zone(client, three_mentors):
    items = {item["slug"]: item for item in _ok(client.get(LIST_URL))["data"]}

    assert items["ben"]["next_free_slot"] is None
    assert items["ben"]["time_zone"] == "UTC"
    # 8 days' notice ends Tuesday 09:10 Berlin: the next half-hour mark is 09:30 Berlin
    assert items["cleo"]["next_free_slot"] == "2026-12-15T08:30:00Z"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"expertise": "retired"}, "expertise", UNKNOWN_EXPERTISE),
        ({"expertise": "not a slug!"}, "expertise", None),
        ({"language": "xx"}, "language", UNKNOWN_LANGUAGE),
        ({"language": "x" * 9}, "language", None),
        ({"max_rate": "abc"}, "max_rate", None),
        ({"max_rate": "0"}, "max_rate", None),
        ({"max_rate": "-500"}, "max_rate", None),
        ({"max_rate": "120.50"}, "max_rate", None),
        ({"this_week": "maybe"}, "this_week", None),
    ],
)
def test_invalid_list_filters_are_a_400_naming_the_parameter(client, three_mentors, params, field, message):
    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["param"] == field
    if message is not None:
        assert body["error"]["message"] == message


@pytest.mark.parametrize("this_week", ["false", "true"])
def test_list_pages_by_name_with_limit_and_starting_after(client, this_week):
    for n in range(5):
        _mentor(f"m{n}", f"Mentor {n}")

    first = _ok(client.get(LIST_URL, {"limit": 2, "this_week": this_week}))
    second = _ok(client.get(LIST_URL, {"limit": 2, "starting_after": "m1", "this_week": this_week}))
    last = _ok(client.get(LIST_URL, {"limit": 2, "starting_after": "m3", "this_week": this_week}))

    assert ([item["slug"] for item in first["data"]], first["has_more"]) == (["m0", "m1"], True)
    assert ([item["slug"] for item in second["data"]], second["has_more"]) == (["m2", "m3"], True)
    assert ([item["slug"] for item in last["data"]], last["has_more"]) == (["m4"], False)


def test_mentors_with_the_same_name_are_each_listed_once_when_paging_one_at_a_time(client):
    for slug in ("sam-c", "sam-a", "sam-b"):
        _mentor(slug, "Sam Lee")

    walked, after, has_more = [], None, True
    while has_more:
        body = _ok(client.get(LIST_URL, {"limit": 1, **({"starting_after": after} if after else {})}))
        walked += [item["slug"] for item in body["data"]]
        after, has_more = walked[-1], body["has_more"]

    assert sorted(walked) == ["sam-a", "sam-b", "sam-c"]
    assert walked == _slugs(client.get(LIST_URL))


@pytest.mark.parametrize("after", ["nobody", "m%00"])
def test_an_unknown_starting_after_is_a_400(client, after):
    _mentor("ana", "Ana")

    response = client.get(LIST_URL, {"starting_after": after})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "starting_after"


def _populate(count: int) -> None:
    """`count` more approved mentors, each with expertise, two languages, hours and a booked hour."""
    english, german = LanguageFactory(code="en"), LanguageFactory(code="de")
    for _ in range(count):
        mentor = _mentor(
            f"q{MentorProfile.objects.count()}",
            "Q",
            expertise=[ExpertiseFactory()],
            languages=[english, german],
        )
        start = datetime(2026, 12, 7, 10, tzinfo=UTC)
        AppointmentFactory(host=mentor.user, start_at=start, status=Appointment.Status.CONFIRMED)


@pytest.mark.parametrize("params", [{}, {"this_week": "true"}, {"language": "de", "max_rate": 50000}])
def test_list_query_count_is_the_same_for_2_or_10_mentors(client, params):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = _ok(client.get(LIST_URL, {**params, "limit": 100}))
        assert all(item["next_free_slot"] for item in body["data"])
        return len(captured), len(body["data"])

    _populate(2)
    small, small_count = queries()
    _populate(8)
    large, large_count = queries()

    assert (small_count, large_count) == (2, 10)
    assert large == small


# --- One mentor -----------------------------------------------------------------------------------------------


def test_detail_has_the_card_fields_plus_the_whole_bio(client):
    bio = "I coach engineers who became managers overnight. " * 8
    _mentor("ana", "Ana López", bio=bio)

    body = _ok(client.get(_detail_url("ana")))
    [card] = _ok(client.get(LIST_URL))["data"]

    assert body == {**card, "bio": bio}
    assert len(body["bio_summary"]) == 200
    assert body["bio_summary"].endswith("…")
    assert bio.startswith(body["bio_summary"][:-1])


def test_detail_query_count_does_not_depend_on_other_mentors(client):
    _mentor("ana", "Ana", expertise=[ExpertiseFactory()], languages=[LanguageFactory(code="en")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _ok(client.get(_detail_url("ana")))
            _ok(client.get(_slots_url("ana")))
        return len(captured)

    small = queries()
    _populate(8)

    assert queries() == small


@pytest.mark.parametrize(
    ("slug", "status"),
    [
        ("nobody", None),
        ("pending", MentorProfile.Status.PENDING),
        ("gone", MentorProfile.Status.DEACTIVATED),
    ],
)
@pytest.mark.parametrize("url", [_detail_url, _slots_url])
def test_unknown_unapproved_or_deactivated_mentors_are_a_404(client, slug, status, url):
    if status is not None:
        _mentor(slug, "Hidden", status=status)

    response = client.get(url(slug))

    assert response.status_code == 404
    assert response.json()["error"]["message"] == MENTOR_NOT_FOUND


def test_a_mentor_whose_account_is_switched_off_is_not_listed(client):
    # given an approved mentor whose user account staff switched off, and one who is open
    _mentor("open", "Open")
    _mentor("closed", "Closed", user__is_active=False)

    # when a partner lists the mentors and asks for the closed one
    listed = [card["slug"] for card in _ok(client.get(LIST_URL))["data"]]

    # then only the open one is there, and the closed one is a 404 like an unapproved one
    assert listed == ["open"]
    assert client.get(_detail_url("closed")).status_code == 404
    assert client.get(_slots_url("closed")).status_code == 404


# --- Free times -------------------------------------------------------------------------------------------------


def test_slots_are_utc_with_the_mentors_zone_and_price_and_a_date_means_the_mentors_day(client):
    # given Ana in Berlin, open 09:00-11:00 on weekdays, offering 30 and 60 minutes at 120.00 an hour
    _mentor("ana", "Ana", hours=(9, 11), session_lengths=[30, 60], hourly_rate_amount=12000)

    # when a partner asks for Tuesday's hour-long slots
    body = _ok(client.get(_slots_url("ana"), {"from": "2026-12-08", "to": "2026-12-08", "length": 60}))

    # then Tuesday from midnight to midnight in Berlin, three slots on the 30-minute grid, in UTC
    assert body == {
        "mentor": "ana",
        "time_zone": "Europe/Berlin",
        "length": 60,
        "price": {"minutes": 60, "amount": 12000, "currency": "usd", "display": "$120.00"},
        "start": "2026-12-07T23:00:00Z",
        "end": "2026-12-08T23:00:00Z",
        "slots": [
            {"start": "2026-12-08T08:00:00Z", "end": "2026-12-08T09:00:00Z"},
            {"start": "2026-12-08T08:30:00Z", "end": "2026-12-08T09:30:00Z"},
            {"start": "2026-12-08T09:00:00Z", "end": "2026-12-08T10:00:00Z"},
        ],
    }


def test_slots_default_to_the_shortest_length_from_now_for_14_days(client):
    _mentor("ana", "Ana", hours=(9, 10), session_lengths=[60, 30], step=60)

    body = _ok(client.get(_slots_url("ana")))

    assert (body["length"], body["start"], body["end"]) == (30, "2026-12-07T08:10:00Z", "2026-12-21T08:10:00Z")
    # one 30-minute slot at 09:00 Berlin each weekday: today's is inside the hour's notice, and the last
    # Monday's starts before the range ends (08:10 UTC)
    assert _starts(body) == [f"2026-12-{day:02d}T08:00:00Z" for day in (8, 9, 10, 11, 14, 15, 16, 17, 18, 21)]


def test_datetimes_with_an_offset_are_taken_as_instants(client):
    _mentor("ana", "Ana", hours=(9, 12), step=60, session_lengths=[60])

    body = _ok(client.get(_slots_url("ana"), {"from": "2026-12-08T10:00:00+01:00", "to": "2026-12-08T10:00:00Z"}))

    assert (body["start"], body["end"]) == ("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")
    assert _starts(body) == ["2026-12-08T09:00:00Z"]


@pytest.mark.parametrize(
    ("status", "hold_expires_at", "blocks"),
    [
        (Appointment.Status.CONFIRMED, None, True),
        (Appointment.Status.HELD, NOW + timedelta(minutes=5), True),  # a payment still open holds the time
        (Appointment.Status.HELD, NOW - timedelta(minutes=1), False),  # a hold that ran out frees it
        (Appointment.Status.EXPIRED, None, False),
        (Appointment.Status.CANCELED, None, False),
    ],
)
def test_slots_leave_out_times_held_or_confirmed(client, status, hold_expires_at, blocks):
    # given Ana free Tuesday 09:00-13:00 Berlin on an hourly grid, with an appointment 10:00-11:00 Berlin
    mentor = _mentor("ana", "Ana", hours=(9, 13), step=60, session_lengths=[60])
    AppointmentFactory(
        host=mentor.user,
        start_at=datetime(2026, 12, 8, 9, tzinfo=UTC),
        status=status,
        hold_expires_at=hold_expires_at,
    )

    body = _ok(client.get(_slots_url("ana"), {"from": "2026-12-08", "to": "2026-12-08", "length": 60}))

    hours = ["08", "10", "11"] if blocks else ["08", "09", "10", "11"]
    assert _starts(body) == [f"2026-12-08T{hour}:00:00Z" for hour in hours]


def test_slots_respect_the_mentors_notice_and_horizon(client):
    # given a day's notice and a horizon of three days from Monday 08:10 UTC
    _mentor("ana", "Ana", hours=(9, 13), step=60, session_lengths=[60], notice_minutes=24 * 60, horizon_days=3)

    body = _ok(client.get(_slots_url("ana"), {"from": "2026-12-07", "to": "2026-12-31"}))

    # then nothing before Tuesday 08:10 UTC, nothing starting after Thursday 08:10 UTC, and the range says so
    assert (body["start"], body["end"]) == ("2026-12-07T08:10:00Z", "2026-12-10T08:10:00Z")
    assert _starts(body) == [
        *[f"2026-12-08T{hour}:00:00Z" for hour in ("09", "10", "11")],
        *[f"2026-12-09T{hour}:00:00Z" for hour in ("08", "09", "10", "11")],
        "2026-12-10T08:00:00Z",
    ]


def test_a_range_wholly_past_the_horizon_has_no_slots(client):
    _mentor("ana", "Ana", horizon_days=3)

    body = _ok(client.get(_slots_url("ana"), {"from": "2027-01-04", "to": "2027-01-05"}))

    assert body["slots"] == []
    assert body["start"] == body["end"] == "2027-01-03T23:00:00Z"


def test_a_mentor_without_hours_has_no_slots(client):
    _mentor("ben", "Ben", calendar=False)

    body = _ok(client.get(_slots_url("ben")))

    assert (body["time_zone"], body["slots"]) == ("UTC", [])


def test_slots_in_utc_move_an_hour_when_new_york_leaves_summer_time(client, monkeypatch):
    # given a New York mentor open every day 09:00-10:00, seen from the week before 1 November 2026
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 10, 28, 12, tzinfo=UTC))
    _mentor("nia", "Nia", zone="America/New_York", days=range(7), hours=(9, 10), step=60, session_lengths=[60])

    # when a partner asks for 30 October to 2 November (New York days)
    body = _ok(client.get(_slots_url("nia"), {"from": "2026-10-30", "to": "2026-11-02"}))

    # then the UTC times move from 13:00 to 14:00 while New York's stays 09:00
    assert body["time_zone"] == "America/New_York"
    assert (body["start"], body["end"]) == ("2026-10-30T04:00:00Z", "2026-11-03T05:00:00Z")
    assert _starts(body) == [
        "2026-10-30T13:00:00Z",
        "2026-10-31T13:00:00Z",
        "2026-11-01T14:00:00Z",
        "2026-11-02T14:00:00Z",
    ]
    new_york = ZoneInfo("America/New_York")
    local = {datetime.fromisoformat(start).astimezone(new_york).strftime("%H:%M") for start in _starts(body)}
    assert local == {"09:00"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"length": "abc"}, "length", None),
        ({"length": 45}, "length", LENGTH_NOT_OFFERED.format(lengths="30, 60")),
        ({"length": 120}, "length", LENGTH_NOT_OFFERED.format(lengths="30, 60")),
        ({"from": "tomorrow"}, "from", NOT_DATE_OR_TIME),
        ({"from": "2026-13-01"}, "from", NOT_DATE_OR_TIME),
        ({"from": "2026-12-08T09:00:00"}, "from", OFFSET_REQUIRED),
        ({"to": "2026-12-08 09:00"}, "to", OFFSET_REQUIRED),
        ({"from": "2026-12-09", "to": "2026-12-08"}, "to", RANGE_REVERSED),
        ({"from": "2026-12-08T09:00:00Z", "to": "2026-12-08T09:00:00Z"}, "to", RANGE_REVERSED),
        ({"to": "2026-12-01"}, "to", RANGE_REVERSED),  # before now, with from defaulting to now
        ({"from": "2026-12-08", "to": "2027-02-08"}, "to", RANGE_TOO_LONG.format(days=62)),  # 63 Berlin days
        ({"from": "2026-12-08T00:00:00Z", "to": "2027-02-08T00:00:01Z"}, "to", RANGE_TOO_LONG.format(days=62)),
    ],
)
def test_invalid_slot_parameters_are_a_400_naming_the_parameter(client, params, field, message):
    _mentor("ana", "Ana", session_lengths=[60, 30])

    response = client.get(_slots_url("ana"), params)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["param"] == field
    if message is not None:
        assert body["error"]["message"] == message


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-12-08", "to": "2027-02-07"},  # 62 Berlin days, the longest range
        {"from": "2026-12-08T00:00:00Z", "to": "2027-02-08T00:00:00Z"},
        {"from": "2026-12-08 09:00+01:00"},  # a `+` sent unescaped arrives as a space
    ],
)
def test_the_longest_range_and_an_unescaped_offset_are_accepted(client, params):
    _mentor("ana", "Ana")

    assert client.get(_slots_url("ana"), params).status_code == 200


# --- Schema ---------------------------------------------------------------------------------------------------


def test_schema_generates_without_warnings_and_documents_the_three_operations(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert {
        paths["/api/v1/mentors/"]["get"]["operationId"],
        paths["/api/v1/mentors/{slug}/"]["get"]["operationId"],
        paths["/api/v1/mentors/{slug}/slots/"]["get"]["operationId"],
    } == {"mentors_list", "mentors_retrieve", "mentors_slots"}
    slot_params = {param["name"] for param in paths["/api/v1/mentors/{slug}/slots/"]["get"]["parameters"]}
    assert {"from", "to", "length"} <= slot_params
    list_params = {param["name"] for param in paths["/api/v1/mentors/"]["get"]["parameters"]}
    assert {"expertise", "language", "max_rate", "this_week", "limit", "starting_after"} <= list_params
