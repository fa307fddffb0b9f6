"""`manage.py seed_demo` seeds coaching too (coaching/demo.py): coaches to ask and a proposal to accept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching import demo
from coaching.conversation import proposal_accept
from coaching.models import CoachProfile, Inquiry, Message, PackageOffer, Proposal, Specialty
from commerce.tests.admin_fixtures import client_for
from innerwork.accounts.models import User
from innerwork.core.demo_seeding import demo_seeders
from innerwork.scheduling.models import Calendar, WeeklyRule
from innerwork.scheduling.selectors import free_slots
from mentorship.models import MentorProfile

pytestmark = pytest.mark.django_db

SEEDED_MODELS = (User, Specialty, CoachProfile, PackageOffer, Inquiry, Message, Proposal, Calendar, WeeklyRule)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in SEEDED_MODELS}


def test_seed_demo_finds_coachings_seed_by_app():
    assert ("coaching", demo.seed) in demo_seeders()


def test_seeding_twice_gives_the_same_rows_and_names_the_coach_login():
    first = _seed()
    before = _snapshot()
    second = _seed()
    assert _snapshot() == before
    assert "coach profiles created: 3" in first
    assert "nothing to change" in second
    assert f"coaches: {demo.COACH_LOGIN} / {demo.COACH_PASSWORD}" in second


def test_three_approved_coaches_one_of_them_also_a_mentor_and_the_coach_can_log_in():
    _seed()
    coaches = list(CoachProfile.objects.select_related("user"))
    assert len(coaches) == 3
    assert {coach.status for coach in coaches} == {CoachProfile.Status.APPROVED}
    assert MentorProfile.objects.filter(user__in=[coach.user for coach in coaches]).count() == 1
    assert all(coach.packages.exists() for coach in coaches)
    maya = User.objects.get(email=demo.COACH_LOGIN)
    assert maya.check_password(demo.COACH_PASSWORD)
    assert client_for(maya).get(reverse("coaching:coach_area")).status_code == 200


def test_the_learner_has_an_open_proposal_to_accept_and_a_new_one_after_it_expired():
    _seed()
    proposal = Proposal.objects.get(status=Proposal.Status.SENT)
    assert proposal.student.email == "learner@innerwork.test"
    assert (proposal.price_amount, proposal.sessions_count) == (90000, 6)
    page = client_for(proposal.student).get(reverse("coaching:proposal_detail", args=[proposal.number]))
    assert reverse("coaching:proposal_accept", args=[proposal.number]) in page.content.decode()
    # the demo runs again after the proposal expired: a fresh one is waiting
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now())
    _seed()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.EXPIRED
    assert Proposal.objects.filter(status=Proposal.Status.SENT).count() == 1
    # once accepted, a new run leaves the thread alone
    fresh = Proposal.objects.get(status=Proposal.Status.SENT)
    proposal_accept(proposal=fresh, student=fresh.student)
    before = _snapshot()
    _seed()
    assert _snapshot()["Proposal"] == before["Proposal"]


def test_every_coach_has_free_times_in_the_next_two_weeks():
    _seed()
    now = timezone.now()
    for coach in CoachProfile.objects.select_related("user"):
        slots = free_slots(
            host=coach.user_id, length=timedelta(minutes=60), start=now, end=now + timedelta(days=14), now=now
        )
        assert slots, coach
