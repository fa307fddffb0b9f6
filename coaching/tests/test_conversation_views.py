"""The conversation pages: who sees what (tables of viewers × pages), and each action through its form."""

from datetime import timedelta

import pytest
import stripe
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.conversation import inquiry_start, proposal_accept
from coaching.models import Contract, Inquiry, Proposal
from coaching.status import proposal_set_status
from coaching.tests.factories import (
    CoachProfileFactory,
    PackageOfferFactory,
    ProposalFactory,
    SpecialtyFactory,
)
from commerce.models import Order
from commerce.tests.admin_fixtures import client_for
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

PROPOSAL_FORM = {
    "title": "Leading your first team",
    "goals": "Feedback and delegation",
    "sessions_count": "6",
    "session_minutes": "60",
    "price": "900.00",
    "currency": "usd",
    "validity_weeks": "12",
    "cancel_notice_hours": "24",
    "cancellation_terms": "",
    "days_open": "14",
}


@pytest.fixture
def proposal():
    return ProposalFactory(inquiry__student__full_name="Jordan Lee", inquiry__coach__user__full_name="Maya Chen")


def _viewers(proposal) -> dict:
    return {
        "anonymous": None,
        "student": proposal.student,
        "coach": proposal.coach.user,
        "other": UserFactory(),
        "staff": StaffFactory(),
    }


def _get(viewer, url):
    client = Client() if viewer is None else client_for(viewer)
    return client.get(url)


# --- Who sees what -------------------------------------------------------------------------------------------

PAGES = {
    "coach_list": lambda p: reverse("coaching:coach_list"),
    "coach_detail": lambda p: reverse("coaching:coach_detail", args=[p.coach.slug]),
    "inquiry_start": lambda p: reverse("coaching:inquiry_start", args=[p.coach.slug]),
    "inquiry_detail": lambda p: reverse("coaching:inquiry_detail", args=[p.inquiry_id]),
    "proposal_new": lambda p: reverse("coaching:proposal_new", args=[p.inquiry_id]),
    "proposal_detail": lambda p: reverse("coaching:proposal_detail", args=[p.number]),
    "proposal_revise": lambda p: reverse("coaching:proposal_revise", args=[p.number]),
    "coach_area": lambda p: reverse("coaching:coach_area"),
    "inquiry_list": lambda p: reverse("coaching:inquiry_list"),
}
LOGIN = "login"
# Staff are another person here: conversations are private to the student and the coach (staff use the console).
EXPECTED = {
    #                  anonymous, student, coach, other, staff
    "coach_list": (200, 200, 200, 200, 200),
    "coach_detail": (200, 200, 200, 200, 200),
    "inquiry_start": (LOGIN, 200, 200, 200, 200),
    "inquiry_detail": (LOGIN, 200, 200, 404, 404),
    "proposal_new": (LOGIN, 404, 200, 404, 404),
    "proposal_detail": (LOGIN, 200, 200, 404, 404),
    "proposal_revise": (LOGIN, 404, 200, 404, 404),
    "coach_area": (LOGIN, 404, 200, 404, 404),
    "inquiry_list": (LOGIN, 200, 200, 200, 200),
}


@pytest.mark.parametrize("page", PAGES)
def test_who_sees_each_page(page, proposal):
    url = PAGES[page](proposal)
    for (who, viewer), expected in zip(_viewers(proposal).items(), EXPECTED[page], strict=True):
        response = _get(viewer, url)
        if expected == LOGIN:
            assert response.status_code == 302, who
            assert response["Location"].startswith(reverse("account_login")), who
        else:
            assert response.status_code == expected, (page, who, response.status_code)


ACTIONS = ("proposal_accept", "proposal_decline", "proposal_withdraw")
#                     anonymous, student, coach, other, staff: the proposal's status afterwards
ACTION_OUTCOME = {
    "proposal_accept": ("sent", "accepted", "sent", "sent", "sent"),
    "proposal_decline": ("sent", "declined", "sent", "sent", "sent"),
    "proposal_withdraw": ("sent", "sent", "withdrawn", "sent", "sent"),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_answer_is_a_post_only_its_side_can_make(action, emulator):
    for index, who in enumerate(("anonymous", "student", "coach", "other", "staff")):
        proposal = ProposalFactory()
        viewer = _viewers(proposal)[who]
        client = Client() if viewer is None else client_for(viewer)
        url = reverse(f"coaching:{action}", args=[proposal.number])
        assert client.get(url).status_code in (302, 405)
        response = client.post(url)
        proposal.refresh_from_db()
        assert proposal.status == ACTION_OUTCOME[action][index], (action, who)
        if who in ("other", "staff"):
            assert response.status_code == 404


# --- The public pages ----------------------------------------------------------------------------------------


def test_the_list_shows_only_approved_coaches_and_filters_by_specialty_and_language():
    leadership, career = SpecialtyFactory(slug="leadership"), SpecialtyFactory(slug="career")
    CoachProfileFactory(user__full_name="Ana Leader", specialties=[leadership], languages=["en", "es"])
    CoachProfileFactory(user__full_name="Ben Career", specialties=[career], languages=["de"])
    CoachProfileFactory(user__full_name="Pending Person", status="pending")
    client = client_for(UserFactory())
    everyone = client.get(reverse("coaching:coach_list")).content.decode()
    assert "Ana Leader" in everyone
    assert "Ben Career" in everyone
    assert "Pending Person" not in everyone
    spanish = client.get(reverse("coaching:coach_list"), {"language": "es"}).content.decode()
    assert "Ana Leader" in spanish
    assert "Ben Career" not in spanish
    career_page = client.get(reverse("coaching:coach_list"), {"specialty": "career"}).content.decode()
    assert "Ben Career" in career_page
    assert "Ana Leader" not in career_page


@pytest.mark.parametrize("status", ["pending", "deactivated"])
def test_a_coach_not_approved_has_no_public_page(status):
    coach = CoachProfileFactory(status=status)
    assert client_for(UserFactory()).get(reverse("coaching:coach_detail", args=[coach.slug])).status_code == 404
    assert client_for(UserFactory()).get(reverse("coaching:inquiry_start", args=[coach.slug])).status_code == 404


def test_the_coach_page_shows_packages_and_offers_to_ask_or_continue():
    package = PackageOfferFactory(title="Six sessions", price_amount=90000)
    coach = package.coach
    url = reverse("coaching:coach_detail", args=[coach.slug])
    page = client_for(UserFactory()).get(url).content.decode()
    assert "Six sessions" in page
    assert "6 × 60 min over 12 weeks" in page
    assert "$900.00" in page
    assert reverse("coaching:inquiry_start", args=[coach.slug]) in page
    proposal = ProposalFactory(inquiry__coach=coach)
    own = client_for(proposal.student).get(url).content.decode()
    assert reverse("coaching:inquiry_detail", args=[proposal.inquiry_id]) in own


# --- Actions through the pages -------------------------------------------------------------------------------


def test_a_student_asks_writes_and_the_coach_answers_in_the_thread():
    coach, student = CoachProfileFactory(), UserFactory()
    response = client_for(student).post(
        reverse("coaching:inquiry_start", args=[coach.slug]), {"goals": "Speak up in meetings"}
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:inquiry_detail", args=[inquiry.pk])
    response = client_for(coach.user).post(
        reverse("coaching:inquiry_detail", args=[inquiry.pk]), {"body": "Happy to help. Tell me more?"}
    )
    assert response.status_code == 302
    page = client_for(student).get(reverse("coaching:inquiry_detail", args=[inquiry.pk])).content.decode()
    assert "Speak up in meetings" in page
    assert "Happy to help. Tell me more?" in page
    assert OutboxEmail.objects.filter(kind="coaching/message_new").count() == 2


def test_an_empty_message_is_shown_back_with_an_error():
    proposal = ProposalFactory()
    response = client_for(proposal.student).post(
        reverse("coaching:inquiry_detail", args=[proposal.inquiry_id]), {"body": ""}
    )
    assert response.status_code == 400
    assert proposal.inquiry.messages.count() == 1


def test_the_coach_sends_a_proposal_whose_price_is_read_in_minor_units_on_the_server():
    coach = CoachProfileFactory()
    inquiry = inquiry_start(coach=coach, student=UserFactory(), goals="Help")
    response = client_for(coach.user).post(
        reverse("coaching:proposal_new", args=[inquiry.pk]), {**PROPOSAL_FORM, "price": "1234.56"}
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("coaching:proposal_detail", args=[proposal.number])
    assert (proposal.price_amount, proposal.currency, proposal.sessions_count) == (123456, "usd", 6)
    assert timedelta(days=13, hours=23) < proposal.expires_at - timezone.now() <= timedelta(days=14)


@pytest.mark.parametrize(
    ("field", "value"),
    [("sessions_count", "0"), ("price", "0"), ("session_minutes", "50"), ("days_open", "61"), ("title", "")],
)
def test_a_proposal_form_with_a_bad_value_sends_nothing(field, value):
    proposal = ProposalFactory()
    proposal_set_status(proposal=proposal, status=Proposal.Status.WITHDRAWN)
    response = client_for(proposal.coach.user).post(
        reverse("coaching:proposal_new", args=[proposal.inquiry_id]), {**PROPOSAL_FORM, field: value}
    )
    assert response.status_code == 400
    assert Proposal.objects.count() == 1


def test_accepting_goes_on_to_stripes_page_for_the_terms_and_a_second_click_to_the_same_page(proposal, emulator):
    client = client_for(proposal.student)
    url = reverse("coaching:proposal_accept", args=[proposal.number])
    first = client.post(url, {"price_amount": "1"})  # a forged field is ignored: the terms are the proposal's
    second = client.post(url)
    contract = Contract.objects.get()
    assert contract.price_amount == 90000
    assert (first.status_code, second.status_code) == (303, 303)
    assert first["Location"] == second["Location"]
    (session,) = stripe.checkout.Session.list().data
    assert (session.url, session.amount_total, session.metadata["order_number"]) == (
        first["Location"],
        90000,
        Order.objects.get(user=proposal.student).number,
    )
    page = client.get(reverse("coaching:proposal_detail", args=[proposal.number])).content.decode()
    assert contract.number in page


def test_accepting_when_stripe_cannot_be_reached_keeps_the_contract_and_offers_to_try_again(proposal, emulator):
    emulator.fault("/v1/checkout/sessions", method="POST", count=5, kind="api_error")
    response = client_for(proposal.student).post(reverse("coaching:proposal_accept", args=[proposal.number]))
    contract = Contract.objects.get()
    assert response.status_code == 503
    assert contract.status == Contract.Status.PENDING_PAYMENT
    order = Order.objects.get(user=proposal.student)
    assert reverse("commerce:order_pay", kwargs={"number": order.number}) in response.content.decode()


def test_revising_from_the_page_supersedes_and_shows_the_new_version(proposal):
    client = client_for(proposal.coach.user)
    form = client.get(reverse("coaching:proposal_revise", args=[proposal.number]))
    assert form.context["form"].initial["price"] == 900
    response = client.post(
        reverse("coaching:proposal_revise", args=[proposal.number]), {**PROPOSAL_FORM, "price": "800"}
    )
    revision = Proposal.objects.get(status=Proposal.Status.SENT)
    assert response["Location"] == reverse("coaching:proposal_detail", args=[revision.number])
    assert revision.supersedes == proposal
    old = client.get(reverse("coaching:proposal_detail", args=[proposal.number])).content.decode()
    assert "replaced by" in old


def test_an_expired_proposal_reads_expired_and_offers_no_answer(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    client = client_for(proposal.student)
    page = client.get(reverse("coaching:proposal_detail", args=[proposal.number])).content.decode()
    assert "Expired" in page
    assert reverse("coaching:proposal_accept", args=[proposal.number]) not in page
    client.post(reverse("coaching:proposal_accept", args=[proposal.number]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.EXPIRED
    assert not Contract.objects.exists()


def test_the_coach_area_lists_threads_waiting_open_proposals_and_contracts(proposal):
    coach = proposal.coach
    waiting = inquiry_start(coach=coach, student=UserFactory(full_name="Sam Waiting"), goals="Hello")
    page = client_for(coach.user).get(reverse("coaching:coach_area")).content.decode()
    assert "Sam Waiting" in page
    assert "Waiting for your proposal" in page
    assert proposal.title in page
    assert reverse("coaching:inquiry_detail", args=[waiting.pk]) in page


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_and_a_thread_take_the_same_queries_whatever_their_size():
    # given a list of two coaches and a thread of three messages
    client = client_for(UserFactory())
    for _ in range(2):
        PackageOfferFactory(coach=CoachProfileFactory(specialties=[SpecialtyFactory()]))
    proposal = ProposalFactory()
    student = client_for(proposal.student)
    thread = reverse("coaching:inquiry_detail", args=[proposal.inquiry_id])
    for text in ("one", "two"):
        inquiry_start(coach=proposal.coach, student=proposal.student, goals=text)
    small = (_queries_for(client, reverse("coaching:coach_list")), _queries_for(student, thread))
    # when both grow (ten more coaches with packages; thirty more messages and two earlier proposals)
    for _ in range(10):
        PackageOfferFactory(coach=CoachProfileFactory(specialties=[SpecialtyFactory()]))
    for index in range(30):
        inquiry_start(coach=proposal.coach, student=proposal.student, goals=f"message {index}")
    # then each page still takes the same number of queries
    assert (_queries_for(client, reverse("coaching:coach_list")), _queries_for(student, thread)) == small


def test_a_student_sees_only_their_own_conversations():
    mine, theirs = (
        ProposalFactory(inquiry__coach__user__full_name="Maya Chen"),
        ProposalFactory(inquiry__coach__user__full_name="Kwame Mensah"),
    )
    page = client_for(mine.student).get(reverse("coaching:inquiry_list")).content.decode()
    assert "Maya Chen" in page
    assert reverse("coaching:proposal_detail", args=[mine.number]) in page
    assert "Kwame Mensah" not in page
    assert reverse("coaching:inquiry_detail", args=[theirs.inquiry_id]) not in page


@pytest.mark.parametrize("status", ["accepted", "declined", "withdrawn", "expired"])
def test_a_proposal_no_longer_open_is_not_offered_for_revision(status):
    proposal = ProposalFactory()
    if status == "accepted":
        proposal_accept(proposal=proposal, student=proposal.student)
    else:
        proposal_set_status(proposal=proposal, status=status)
    client = client_for(proposal.coach.user)
    url = reverse("coaching:proposal_revise", args=[proposal.number])
    for response in (client.get(url), client.post(url, PROPOSAL_FORM)):
        assert response.status_code == 302
        assert response["Location"] == reverse("coaching:proposal_detail", args=[proposal.number])
    assert Proposal.objects.count() == 1
