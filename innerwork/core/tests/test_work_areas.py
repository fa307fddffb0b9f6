"""The header's "My coaching", "Mentor area" and "Coach area" links: who sees which, and what it costs."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coaching.tests.factories import CoachProfileFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.context_processors import work_areas
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

MENTOR_AREA = reverse("mentorship:mentor_area")
COACH_AREA = reverse("coaching:coach_area")
MY_COACHING = reverse("coaching:contract_list")


def _user(mentor: str | None, coach: str | None):
    user = UserFactory()
    if mentor:
        MentorProfileFactory(user=user, status=mentor)
    if coach:
        CoachProfileFactory(user=user, status=coach)
    return user


@pytest.mark.parametrize(
    ("mentor", "coach", "areas"),
    [
        (None, None, {"mentor": False, "coach": False}),
        ("approved", None, {"mentor": True, "coach": False}),
        ("pending", None, {"mentor": True, "coach": False}),
        ("deactivated", None, {"mentor": False, "coach": False}),
        (None, "approved", {"mentor": False, "coach": True}),
        (None, "pending", {"mentor": False, "coach": True}),
        (None, "deactivated", {"mentor": False, "coach": False}),
        ("approved", "approved", {"mentor": True, "coach": True}),
        ("deactivated", "pending", {"mentor": False, "coach": True}),
    ],
)
def test_each_area_is_open_to_its_approved_or_pending_profile_in_one_query(
    mentor, coach, areas, django_assert_num_queries
):
    # given a signed-in user with those profiles
    request = RequestFactory().get("/")
    request.user = _user(mentor, coach)
    context = work_areas(request)["work_areas"]

    # when the header asks for both areas (twice, as a page may): then one query answers all
    with django_assert_num_queries(1):
        assert {area: context[area] for area in ("mentor", "coach")} == areas
        assert context["coach"] == areas["coach"]


def test_an_anonymous_visitor_costs_no_query(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    with django_assert_num_queries(0):
        context = work_areas(request)["work_areas"]
        assert (context["mentor"], context["coach"]) == (False, False)


@pytest.mark.parametrize(
    ("mentor", "coach", "links"),
    [
        (None, None, {MY_COACHING}),
        ("approved", None, {MY_COACHING, MENTOR_AREA}),
        (None, "approved", {MY_COACHING, COACH_AREA}),
        ("approved", "pending", {MY_COACHING, MENTOR_AREA, COACH_AREA}),
    ],
)
def test_the_header_links_every_signed_in_user_to_their_coaching_and_to_their_areas(client, mentor, coach, links):
    client.force_login(_user(mentor, coach))

    page = client.get(reverse("coaching:coach_list")).content.decode()

    shown = {url for url in (MY_COACHING, MENTOR_AREA, COACH_AREA) if f'href="{url}"' in page}
    assert shown == links


def test_an_anonymous_visitor_sees_no_coaching_link(client):
    page = client.get(reverse("coaching:coach_list")).content.decode()
    assert f'href="{MY_COACHING}"' not in page
