"""`manage.py seed_demo` seeds coaching too (coaching/demo.py, demo_contract.py): coaches to ask, a proposal
to accept, and a contract under way paid at the Stripe emulator."""

import socket
from datetime import timedelta
from io import StringIO

import pytest
import stripe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching import demo, demo_contract
from coaching.contract_end import contract_cancel, contract_cancel_quote
from coaching.conversation import proposal_accept
from coaching.ledger import contract_ledger
from coaching.models import (
    CONTRACT_KIND,
    CoachingSession,
    CoachProfile,
    Contract,
    ContractEvent,
    Inquiry,
    Message,
    PackageOffer,
    Proposal,
    Specialty,
)
from coaching.sessions import session_book
from commerce import stripe_gateway as gateway
from commerce.demo import DEMO_PAYMENTS_UNREACHABLE, demo_pay_item
from commerce.models import Order, OrderLine, Refund
from commerce.tests.admin_fixtures import client_for
from innerwork.accounts.models import User
from innerwork.core.demo_seeding import demo_seeders
from innerwork.scheduling.models import Appointment, Calendar, WeeklyRule
from innerwork.scheduling.selectors import free_slots, next_free_slot
from mentorship.models import MentorProfile

# Every seed pays at this test's own emulator (never at whatever answers on STRIPE_API_HOST's default port).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("emulator")]

LEARNER = "learner@innerwork.test"
SEEDED_MODELS = (
    User,
    Specialty,
    CoachProfile,
    PackageOffer,
    Inquiry,
    Message,
    Proposal,
    Calendar,
    WeeklyRule,
    Contract,
    ContractEvent,
    CoachingSession,
    Appointment,
    Order,
    OrderLine,
)


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


def _demo_contract() -> Contract:
    return Contract.objects.select_related("coach__user", "student").get(coach__user__email=demo.CONTRACT_COACH)


def test_the_learner_has_an_active_contract_paid_at_the_emulator_with_two_sessions_used_and_one_ahead():
    # given a seeded demo
    _seed()
    now = timezone.now()

    # then the learner's contract with the other coach is active, paid once for its price with the test Visa
    contract = _demo_contract()
    assert (contract.student.email, contract.status) == (LEARNER, Contract.Status.ACTIVE)
    assert contract.proposal.status == Proposal.Status.ACCEPTED
    [line] = OrderLine.objects.filter(kind=CONTRACT_KIND, ref=str(contract.pk)).select_related("order")
    order = line.order
    assert (order.status, order.amount_paid, line.total_amount) == (Order.Status.PAID, 65000, 65000)
    assert gateway.payment_intent_retrieve(payment_intent_id=order.payment_intent_id).status == "succeeded"
    assert (order.card_brand, order.card_last4) == ("visa", "4242")
    # its clock started three weeks ago and runs for its validity
    assert abs(contract.activated_at - (now - timedelta(weeks=demo_contract.PAID_WEEKS_AGO))) < timedelta(minutes=5)
    assert contract.ends_at == contract.activated_at + timedelta(weeks=contract.validity_weeks)
    # the ledger both sides see: two completed in the past, one booked ahead, two to book
    ledger = contract_ledger(contract=contract)
    assert [entry.kind for entry in ledger.entries] == ["completed", "completed", "booked", "available", "available"]
    assert [entry.value for entry in ledger.entries[:2]] == [13000, 13000]
    done = [s for s in contract.sessions.select_related("appointment") if s.status == CoachingSession.Status.COMPLETED]
    for session in done:
        assert session.appointment.status == Appointment.Status.COMPLETED
        assert contract.activated_at < session.appointment.start_at < session.appointment.end_at < now
    [ahead] = contract.sessions.filter(status=CoachingSession.Status.SCHEDULED).select_related("appointment")
    assert ahead.appointment.status == Appointment.Status.CONFIRMED
    assert now + timedelta(days=2) <= ahead.appointment.start_at < contract.ends_at
    # and the timeline reads in order: accepted, paid, each session booked and completed, the next booked
    events = list(contract.events.order_by("created_at", "id").values_list("type", flat=True))
    assert events == [
        "accepted",
        "active",
        "session_booked",
        "session_completed",
        "session_booked",
        "session_completed",
        "session_booked",
    ]


@pytest.mark.parametrize(
    ("party", "refund"),
    [
        (Contract.Party.STUDENT, 65000 - 2 * 13000),  # two used; the session ahead is days away: not late
        (Contract.Party.COACH, 65000 - 2 * 13000),  # every unused session comes back
    ],
)
def test_cancelling_the_seeded_contract_quotes_the_pro_rata_refund(party, refund):
    _seed()

    quote = contract_cancel_quote(contract=_demo_contract(), party=party)

    assert (quote.amount, quote.used) == (refund, 2)


def test_the_student_cancelling_the_seeded_contract_is_refunded_for_real_at_the_emulator(
    django_capture_on_commit_callbacks,
):
    # given the seeded contract, paid at the emulator by the seed
    _seed()
    contract = _demo_contract()

    # when the learner cancels it
    with django_capture_on_commit_callbacks(execute=True):
        contract_cancel(contract=contract, party=Contract.Party.STUDENT, actor=contract.student, reason="Moving on")

    # then the unused three sessions' share went back through Stripe (the emulator), and the session ahead is freed
    refund = Refund.objects.get(order__lines__kind=CONTRACT_KIND, order__lines__ref=str(contract.pk))
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, 39000)
    at_stripe = gateway.refund_retrieve(refund_id=refund.stripe_refund_id)
    assert (at_stripe.status, at_stripe.amount) == ("succeeded", 39000)
    assert not contract.sessions.filter(status=CoachingSession.Status.SCHEDULED).exists()


def test_a_newcomer_accepts_the_open_proposal_pays_with_4242_and_books_the_first_session():
    # given a seeded demo, and the learner signed in
    _seed()
    proposal = Proposal.objects.select_related("coach__user").get(status=Proposal.Status.SENT)
    client = client_for(proposal.student)

    # when they accept the open proposal (straight on to Stripe's page), pay with the test Visa (as on that page)
    # and book
    accepted = client.post(reverse("coaching:proposal_accept", args=[proposal.number]))
    contract = Contract.objects.get(proposal=proposal)
    assert accepted.status_code == 303
    assert "/c/pay/cs_test_" in accepted["Location"]
    demo_pay_item(user=proposal.student, kind=CONTRACT_KIND, ref=str(contract.pk))
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    assert client.get(reverse("coaching:session_book", args=[contract.number])).status_code == 200
    now = timezone.now()
    slot = next_free_slot(host=proposal.coach.user, length=timedelta(minutes=contract.session_minutes), now=now)
    session = session_book(contract=contract, student=proposal.student, start_at=slot.start, now=now)

    # then the first session is in the coach's calendar
    assert (session.status, session.appointment.status) == (CoachingSession.Status.SCHEDULED, "confirmed")
    assert contract_ledger(contract=contract).counts["booked"] == 1


def test_without_the_emulator_the_seed_says_so_once_and_seeds_everything_but_the_paid_contract(settings, monkeypatch):
    # given Stripe is the emulator's address, but nothing answers there
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.STRIPE_API_HOST = url
    monkeypatch.setattr(stripe, "api_base", url)

    # when seeding
    output = _seed()

    # then one line says why, coaches and the open proposal are there, but no contract nor its thread
    assert output.count(DEMO_PAYMENTS_UNREACHABLE.format(url=url)) == 1
    assert CoachProfile.objects.count() == len(demo.COACHES)
    assert Proposal.objects.filter(status=Proposal.Status.SENT).count() == 1
    assert not Contract.objects.exists()
    assert not Inquiry.objects.filter(coach__user__email=demo.CONTRACT_COACH).exists()
