"""The conversation services: threads and messages, proposals through every answer, and accepting one
into a contract with its terms frozen. Tables for who may do what and for every proposal status."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coaching import conversation
from coaching.conversation import (
    ALREADY_OPEN,
    COACH_UNAVAILABLE,
    EMPTY_MESSAGE,
    EXPIRY_RANGE,
    NOT_IN_THREAD,
    NOT_LISTED,
    ONLY_COACH,
    ONLY_STUDENT,
    OWN_COACH,
    ConversationError,
)
from coaching.models import CoachProfile, Contract, Inquiry, Message, Proposal
from coaching.status import coach_set_status, contract_set_status, proposal_set_status
from coaching.tests.factories import CoachProfileFactory, InquiryFactory, ProposalFactory, accepted_contract, terms
from commerce.tests.stripe_fixtures import run_at_once
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

IN_14_DAYS = timedelta(days=14)


def _emails_to(user) -> list[OutboxEmail]:
    return [email for email in OutboxEmail.objects.order_by("id") if user.email in email.to]


# --- Threads and messages -----------------------------------------------------------------------------------


def test_asking_a_coach_opens_one_thread_with_the_goals_and_emails_the_coach():
    # given an approved coach and a student
    coach, student = CoachProfileFactory(), UserFactory()
    # when the student asks twice
    first = conversation.inquiry_start(coach=coach, student=student, goals="Feedback to my team")
    second = conversation.inquiry_start(coach=coach, student=student, goals="Also: delegation")
    # then there is one thread holding both messages, and the coach got one e-mail per message
    assert first.pk == second.pk
    assert Inquiry.objects.count() == 1
    assert list(first.messages.values_list("body", "author")) == [
        ("Feedback to my team", student.pk),
        ("Also: delegation", student.pk),
    ]
    emails = _emails_to(coach.user)
    assert [email.kind for email in emails] == ["coaching/message_new"] * 2
    assert "Feedback to my team" in emails[0].body_text
    assert "Feedback to my team" in emails[0].body_html


@pytest.mark.parametrize(
    ("status", "own", "goals", "error"),
    [
        ("pending", False, "Help", NOT_LISTED),
        ("deactivated", False, "Help", NOT_LISTED),
        ("approved", True, "Help", OWN_COACH),
        ("approved", False, "   ", EMPTY_MESSAGE),
    ],
)
def test_asking_is_refused_for_coaches_not_listed_oneself_and_empty_goals(status, own, goals, error):
    coach = CoachProfileFactory(status=status)
    student = coach.user if own else UserFactory()
    with pytest.raises(ConversationError) as refused:
        conversation.inquiry_start(coach=coach, student=student, goals=goals)
    assert refused.value.message == error
    assert not Inquiry.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("writer", "allowed", "emailed"),
    [("student", True, "coach"), ("coach", True, "student"), ("other", False, None), ("staff", False, None)],
)
def test_only_the_two_people_of_a_thread_write_in_it_and_the_other_is_emailed(writer, allowed, emailed):
    inquiry = InquiryFactory()
    people = {
        "student": inquiry.student,
        "coach": inquiry.coach.user,
        "other": UserFactory(),
        "staff": StaffFactory(),
    }
    before = inquiry.last_message_at
    if not allowed:
        with pytest.raises(ConversationError) as refused:
            conversation.message_post(inquiry=inquiry, author=people[writer], body="Hello")
        assert refused.value.message == NOT_IN_THREAD
        assert inquiry.messages.count() == 1
        assert not OutboxEmail.objects.exists()
        return
    message = conversation.message_post(inquiry=inquiry, author=people[writer], body="  Hello  ")
    inquiry.refresh_from_db()
    assert message.body == "Hello"
    assert inquiry.last_message_at >= before
    (email,) = OutboxEmail.objects.all()
    assert email.to == [people[emailed].email]
    assert email.dedup_key == f"coaching:message:{message.pk}:{emailed}"


def test_an_automatic_message_has_no_author_and_sends_no_email():
    inquiry = InquiryFactory()
    message = conversation.message_post_automatic(inquiry=inquiry, body="Contract paid.")
    assert message.is_automatic
    assert message.author is None
    assert not OutboxEmail.objects.exists()


# --- Sending, revising, withdrawing ------------------------------------------------------------------------


def test_the_coach_sends_a_proposal_the_student_is_emailed_and_the_thread_says_so():
    inquiry = InquiryFactory()
    proposal = conversation.proposal_send(
        inquiry=inquiry, actor=inquiry.coach.user, terms=terms(), expires_at=timezone.now() + IN_14_DAYS
    )
    assert proposal.status == Proposal.Status.SENT
    assert (proposal.coach, proposal.student, proposal.price_amount) == (inquiry.coach, inquiry.student, 90000)
    assert inquiry.messages.filter(author=None, body__contains=proposal.title).exists()
    (email,) = _emails_to(inquiry.student)
    assert email.kind == "coaching/proposal_received"
    assert "$900.00" in email.body_text
    assert proposal.number in email.body_html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sessions_count": 0}, "sessions_count"),
        ({"sessions_count": 53}, "sessions_count"),
        ({"price_amount": 0}, "price_amount"),
        ({"validity_weeks": 0}, "validity_weeks"),
        ({"session_minutes": 50}, "session_minutes"),
    ],
)
def test_terms_the_model_refuses_are_not_sent(overrides, field):
    inquiry = InquiryFactory()
    with pytest.raises(ValidationError) as refused:
        conversation.proposal_send(
            inquiry=inquiry, actor=inquiry.coach.user, terms=terms(**overrides), expires_at=timezone.now() + IN_14_DAYS
        )
    assert field in refused.value.message_dict or refused.value.messages
    assert not Proposal.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("open_for", [timedelta(minutes=30), timedelta(days=61)])
def test_a_proposal_stays_open_between_an_hour_and_sixty_days(open_for):
    inquiry = InquiryFactory()
    with pytest.raises(ConversationError) as refused:
        conversation.proposal_send(
            inquiry=inquiry, actor=inquiry.coach.user, terms=terms(), expires_at=timezone.now() + open_for
        )
    assert refused.value.message == EXPIRY_RANGE


def test_a_second_proposal_in_a_thread_is_refused_while_one_is_open_and_sent_once_it_expired():
    proposal = ProposalFactory()
    inquiry, coach_user = proposal.inquiry, proposal.coach.user
    with pytest.raises(ConversationError) as refused:
        conversation.proposal_send(
            inquiry=inquiry, actor=coach_user, terms=terms(), expires_at=timezone.now() + IN_14_DAYS
        )
    assert refused.value.message == ALREADY_OPEN
    # when the open one is past its expiry, a new one expires it first
    later = proposal.expires_at + timedelta(minutes=1)
    new = conversation.proposal_send(
        inquiry=inquiry, actor=coach_user, terms=terms(title="Again"), expires_at=later + IN_14_DAYS, now=later
    )
    proposal.refresh_from_db()
    assert (proposal.status, new.status) == (Proposal.Status.EXPIRED, Proposal.Status.SENT)


def test_a_revision_supersedes_the_open_proposal_which_is_never_edited():
    proposal = ProposalFactory()
    revision = conversation.proposal_revise(
        proposal=proposal,
        actor=proposal.coach.user,
        terms=terms(price_amount=80000, sessions_count=5),
        expires_at=timezone.now() + IN_14_DAYS,
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUPERSEDED
    assert proposal.price_amount == 90000
    assert revision.supersedes == proposal
    assert revision.status == Proposal.Status.SENT
    assert (revision.price_amount, revision.sessions_count) == (80000, 5)
    assert Proposal.objects.filter(inquiry=proposal.inquiry, status=Proposal.Status.SENT).count() == 1
    (email,) = _emails_to(proposal.student)
    assert email.subject.startswith("A revised proposal")


def test_withdrawing_tells_the_student():
    proposal = ProposalFactory()
    conversation.proposal_withdraw(proposal=proposal, actor=proposal.coach.user)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert proposal.decided_at is not None
    (email,) = _emails_to(proposal.student)
    assert email.kind == "coaching/proposal_withdrawn"


# --- Who may do what -----------------------------------------------------------------------------------------

ACTIONS = {
    "accept": lambda proposal, actor: conversation.proposal_accept(proposal=proposal, student=actor),
    "decline": lambda proposal, actor: conversation.proposal_decline(proposal=proposal, student=actor),
    "withdraw": lambda proposal, actor: conversation.proposal_withdraw(proposal=proposal, actor=actor),
    "revise": lambda proposal, actor: conversation.proposal_revise(
        proposal=proposal, actor=actor, terms=terms(title="Revised"), expires_at=timezone.now() + IN_14_DAYS
    ),
    "send": lambda proposal, actor: conversation.proposal_send(
        inquiry=proposal.inquiry, actor=actor, terms=terms(), expires_at=timezone.now() + IN_14_DAYS
    ),
}
WHO_MAY = {"accept": "student", "decline": "student", "withdraw": "coach", "revise": "coach", "send": "coach"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["student", "coach", "other", "staff"])
def test_each_answer_is_only_for_its_side(action, who):
    proposal = ProposalFactory()
    people = {
        "student": proposal.student,
        "coach": proposal.coach.user,
        "other": UserFactory(),
        "staff": StaffFactory(),
    }
    expected_error = ONLY_STUDENT if WHO_MAY[action] == "student" else ONLY_COACH
    if action == "send" and who == "coach":
        # the coach may send, but not while this proposal is open
        expected_error = ALREADY_OPEN
    if WHO_MAY[action] == who and action != "send":
        ACTIONS[action](proposal, people[who])
        proposal.refresh_from_db()
        assert proposal.status != Proposal.Status.SENT
        return
    with pytest.raises(ConversationError) as refused:
        ACTIONS[action](proposal, people[who])
    assert refused.value.message == expected_error
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT
    assert not Contract.objects.exists()


# --- Every proposal status against every answer ------------------------------------------------------------

ANSWERS = {
    "accept": ("student", Proposal.Status.ACCEPTED),
    "decline": ("student", Proposal.Status.DECLINED),
    "withdraw": ("coach", Proposal.Status.WITHDRAWN),
    "revise": ("coach", Proposal.Status.SUPERSEDED),
}


@pytest.mark.parametrize("action", ANSWERS)
@pytest.mark.parametrize("status", [choice.value for choice in Proposal.Status])
def test_only_a_sent_proposal_can_be_answered(status, action):
    # given a proposal moved to `status` through its door
    proposal = ProposalFactory()
    if status == Proposal.Status.ACCEPTED:
        accepted_before = conversation.proposal_accept(proposal=proposal, student=proposal.student)
    elif status != Proposal.Status.SENT:
        proposal_set_status(proposal=proposal, status=status)
    proposal.refresh_from_db()
    side, moved_to = ANSWERS[action]
    actor = proposal.student if side == "student" else proposal.coach.user
    if status == Proposal.Status.SENT:
        result = ACTIONS[action](proposal, actor)
        proposal.refresh_from_db()
        assert proposal.status == moved_to
        if action == "accept":
            assert isinstance(result, Contract)
        return
    if status == Proposal.Status.ACCEPTED and action == "accept":
        # accepting again is the same contract (a double click), nothing new
        assert ACTIONS[action](proposal, actor) == accepted_before
        assert Contract.objects.count() == 1
        return
    with pytest.raises(ConversationError) as refused:
        ACTIONS[action](proposal, actor)
    assert "no longer open" in refused.value.message
    proposal.refresh_from_db()
    assert proposal.status == status
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("action", ANSWERS)
def test_an_answer_after_the_expiry_expires_the_proposal_and_is_refused(action):
    proposal = ProposalFactory()
    side, _moved_to = ANSWERS[action]
    actor = proposal.student if side == "student" else proposal.coach.user
    late = proposal.expires_at + timedelta(seconds=1)
    call = {
        "accept": lambda: conversation.proposal_accept(proposal=proposal, student=actor, now=late),
        "decline": lambda: conversation.proposal_decline(proposal=proposal, student=actor, now=late),
        "withdraw": lambda: conversation.proposal_withdraw(proposal=proposal, actor=actor, now=late),
        "revise": lambda: conversation.proposal_revise(
            proposal=proposal, actor=actor, terms=terms(), expires_at=late + IN_14_DAYS, now=late
        ),
    }[action]
    with pytest.raises(ConversationError) as refused:
        call()
    assert "expired" in refused.value.message
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.EXPIRED
    assert not Contract.objects.exists()


def test_proposals_expire_due_expires_only_those_past_their_expiry():
    due, open_ = ProposalFactory(), ProposalFactory()
    Proposal.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert conversation.proposals_expire_due() == 1
    assert conversation.proposals_expire_due() == 0
    due.refresh_from_db(), open_.refresh_from_db()
    assert (due.status, open_.status) == (Proposal.Status.EXPIRED, Proposal.Status.SENT)


# --- Accepting: the contract ---------------------------------------------------------------------------------


def test_accepting_freezes_the_terms_into_a_contract_waiting_for_payment():
    proposal = ProposalFactory(price_amount=100001, sessions_count=7, validity_weeks=10, cancel_notice_hours=48)
    now = timezone.now()
    contract = conversation.proposal_accept(proposal=proposal, student=proposal.student, now=now)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert (contract.coach, contract.student, contract.proposal) == (proposal.coach, proposal.student, proposal)
    assert contract.accepted_terms == proposal.terms()
    assert contract.terms() == proposal.terms()
    assert (contract.price_amount, contract.sessions_count, contract.cancel_notice_hours) == (100001, 7, 48)
    assert contract.accepted_at == now
    assert contract.activated_at is None
    assert contract.ends_at is None
    assert list(contract.events.values_list("type", flat=True)) == ["accepted"]
    assert proposal.inquiry.messages.filter(author=None, body__contains=contract.number).exists()
    (email,) = _emails_to(proposal.coach.user)
    assert email.kind == "coaching/proposal_answered"
    assert "accepted your proposal" in email.subject


def test_the_contract_keeps_what_was_accepted_whatever_changes_afterwards():
    contract = accepted_contract()
    frozen = dict(contract.accepted_terms)
    # the coach's packages and a new proposal in the thread do not touch it
    proposal = contract.proposal
    conversation.proposal_send(
        inquiry=proposal.inquiry,
        actor=proposal.coach.user,
        terms=terms(price_amount=5000),
        expires_at=timezone.now() + IN_14_DAYS,
    )
    contract.refresh_from_db()
    assert contract.accepted_terms == frozen
    assert contract.price_amount == 90000


def test_a_proposal_of_a_deactivated_coach_cannot_be_accepted():
    proposal = ProposalFactory()
    coach_set_status(coach=proposal.coach, status=CoachProfile.Status.DEACTIVATED)
    with pytest.raises(ConversationError) as refused:
        conversation.proposal_accept(proposal=proposal, student=proposal.student)
    assert refused.value.message == COACH_UNAVAILABLE
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT
    assert not Contract.objects.exists()


def test_the_contract_of_an_accepted_proposal_goes_through_its_own_door():
    # the accepted contract is an ordinary pending_payment contract for engineers B and C
    contract = accepted_contract()
    contract_set_status(contract=contract, status=Contract.Status.CANCELED, message="Never paid.")
    assert list(contract.events.values_list("type", flat=True)) == ["accepted", "canceled"]


# --- At the same moment (real threads on PostgreSQL) --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_accepting_from_two_tabs_at_once_makes_one_contract():
    proposal = ProposalFactory()
    student = proposal.student
    results = run_at_once(
        *[lambda: conversation.proposal_accept(proposal=Proposal.objects.get(pk=proposal.pk), student=student)] * 4
    )
    assert all(isinstance(result, Contract) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert Contract.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="coaching/proposal_answered").count() == 1
    assert Message.objects.filter(author=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_accept_against_withdraw_and_revise_at_once_exactly_one_wins():
    proposal = ProposalFactory()
    student, coach_user = proposal.student, proposal.coach.user

    def fresh():
        return Proposal.objects.get(pk=proposal.pk)

    results = run_at_once(
        lambda: conversation.proposal_accept(proposal=fresh(), student=student),
        lambda: conversation.proposal_withdraw(proposal=fresh(), actor=coach_user),
        lambda: conversation.proposal_revise(
            proposal=fresh(), actor=coach_user, terms=terms(), expires_at=timezone.now() + IN_14_DAYS
        ),
    )
    winners = [result for result in results if not isinstance(result, ConversationError)]
    assert len(winners) == 1, results
    assert all(isinstance(result, ConversationError) for result in results if result not in winners)
    proposal.refresh_from_db()
    assert proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.WITHDRAWN, Proposal.Status.SUPERSEDED)
    assert Contract.objects.count() == (1 if proposal.status == Proposal.Status.ACCEPTED else 0)
    assert Proposal.objects.filter(status=Proposal.Status.SENT).count() == (
        1 if proposal.status == Proposal.Status.SUPERSEDED else 0
    )


def test_the_proposal_email_gives_the_expiry_in_the_students_own_zone_whoever_is_active():
    # given a student in Tokyo and a coach sending from New York (the coach's zone is the active one)
    inquiry = InquiryFactory(student__time_zone="Asia/Tokyo")
    expires_at = datetime(2030, 1, 10, 15, 0, tzinfo=UTC)  # 11 Jan 00:00 in Tokyo
    with timezone.override(ZoneInfo("America/New_York")):
        conversation.proposal_send(
            inquiry=inquiry, actor=inquiry.coach.user, terms=terms(), expires_at=expires_at, now=expires_at - IN_14_DAYS
        )
    (email,) = _emails_to(inquiry.student)
    assert "11 Jan 2030, 00:00 JST" in email.body_text
    assert "11 Jan 2030, 00:00 JST" in email.body_html
