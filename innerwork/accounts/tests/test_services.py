import pytest
from django.core.exceptions import ValidationError

from innerwork.accounts.models import User
from innerwork.accounts.services import FULL_NAME_TOO_LONG, INVALID_TIME_ZONE, user_update_profile
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_update_profile_trims_the_name_and_stores_the_zone():
    # given
    user = UserFactory()
    # when
    user_update_profile(user=user, full_name="  Grace \n Hopper ", time_zone="Pacific/Auckland")
    # then
    stored = User.objects.get(pk=user.pk)
    assert (stored.full_name, stored.time_zone) == ("Grace Hopper", "Pacific/Auckland")


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "", "europe/berlin", "../../etc/passwd"])
def test_update_profile_refuses_an_unknown_time_zone_and_saves_nothing(time_zone):
    # given
    user = UserFactory(full_name="Grace", time_zone="UTC")
    # when
    with pytest.raises(ValidationError) as error:
        user_update_profile(user=user, full_name="Changed", time_zone=time_zone)
    # then
    assert error.value.message_dict == {"time_zone": [INVALID_TIME_ZONE]}
    stored = User.objects.get(pk=user.pk)
    assert (stored.full_name, stored.time_zone) == ("Grace", "UTC")


def test_update_profile_refuses_a_name_longer_than_the_column():
    # given
    user = UserFactory()
    # when / then
    with pytest.raises(ValidationError) as error:
        user_update_profile(user=user, full_name="x" * 151, time_zone="UTC")
    assert error.value.message_dict == {"full_name": [FULL_NAME_TOO_LONG]}


def test_update_profile_does_not_overwrite_a_concurrent_email_change():
    # given: another request changed the e-mail after this copy of the user was loaded
    user = UserFactory(email="before@example.com")
    User.objects.filter(pk=user.pk).update(email="after@example.com")
    # when
    user_update_profile(user=user, full_name="Grace", time_zone="UTC")
    # then
    assert User.objects.get(pk=user.pk).email == "after@example.com"
