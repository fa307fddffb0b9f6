"""The account page: name, time zone, and the links to e-mail, password and two-factor settings."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from innerwork.accounts.services import INVALID_TIME_ZONE
from innerwork.accounts.tests.factories import UserFactory, VerifiedUserFactory
from innerwork.accounts.views import PROFILE_SAVED

pytestmark = pytest.mark.django_db

PROFILE = reverse("account_profile")


def test_account_page_preselects_the_current_time_zone_in_a_grouped_select(client):
    # given
    user = UserFactory(time_zone="Europe/Berlin")
    client.force_login(user)
    # when
    response = client.get(PROFILE)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Europe">' in html
    assert '<option value="Europe/Berlin" selected>' in html
    assert "times on InnerWork are shown in <strong>Europe/Berlin</strong>" in " ".join(html.split())


def test_account_page_links_to_email_and_password_settings(client):
    # given
    client.force_login(VerifiedUserFactory())
    # when
    html = client.get(PROFILE).content.decode()
    # then
    assert f'href="{reverse("account_email")}"' in html
    assert f'href="{reverse("account_change_password")}"' in html
    assert "Verified" in html


def test_two_factor_settings_are_offered_to_staff_only(client):
    # given
    staff, learner = VerifiedUserFactory(is_staff=True), VerifiedUserFactory()
    mfa = f'href="{reverse("mfa_index")}"'
    # when
    client.force_login(staff)
    staff_html = client.get(PROFILE).content.decode()
    client.force_login(learner)
    learner_html = client.get(PROFILE).content.decode()
    # then
    assert mfa in staff_html
    assert mfa not in learner_html


def test_saving_the_profile_updates_name_and_time_zone(client):
    # given
    user = UserFactory(full_name="Old Name", time_zone="UTC")
    client.force_login(user)
    # when
    response = client.post(PROFILE, {"full_name": "  Ada   Lovelace ", "time_zone": "America/New_York"}, follow=True)
    # then
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Ada Lovelace", "America/New_York")
    assert PROFILE_SAVED in response.content.decode()
    assert response.redirect_chain == [(PROFILE, 302)]


def test_an_unknown_time_zone_is_rejected_and_nothing_is_saved(client):
    # given
    user = UserFactory(full_name="Ada", time_zone="Europe/Paris")
    client.force_login(user)
    # when
    response = client.post(PROFILE, {"full_name": "Changed", "time_zone": "Mars/Olympus_Mons"})
    # then
    assert response.status_code == 200
    assert INVALID_TIME_ZONE in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Ada", "Europe/Paris")


def test_changing_the_time_zone_changes_the_times_shown_on_the_account_page(client):
    # given: joined at 23:30 UTC on 15 January
    user = UserFactory(time_zone="UTC", date_joined=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))
    client.force_login(user)
    assert "15 January 2026, 23:30" in client.get(PROFILE).content.decode()
    # when: the user moves to Tokyo (UTC+9, no daylight saving)
    client.post(PROFILE, {"full_name": user.full_name, "time_zone": "Asia/Tokyo"})
    # then: the same instant is the next morning there
    html = client.get(PROFILE).content.decode()
    assert "16 January 2026, 08:30" in html
    assert "15 January 2026" not in html


def test_a_legacy_time_zone_alias_is_kept_selectable_for_who_already_has_it(client):
    # given: set in the admin to an alias the regional list does not offer
    client.force_login(UserFactory(time_zone="US/Eastern"))
    # when
    html = client.get(PROFILE).content.decode()
    # then
    assert '<option value="US/Eastern" selected>' in html
