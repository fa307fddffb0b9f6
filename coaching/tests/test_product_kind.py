"""The `coaching_contract` product kind: priced from frozen terms, only for its student, fulfilled once,
refunded pro rata, taken back by a refund. Payments go through the real pipeline and the Stripe emulator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.contracts import contract_pay
from coaching.models import CONTRACT_KIND, CoachingSession, Contract
from coaching.product_kind import (
    ALREADY_PAID,
    CONTRACT_UNKNOWN,
    REFUND_NOT_ACTIVE,
    CoachingContractKind,
)
from coaching.status import contract_set_status
from coaching.tests.factories_pay import (
    CANCEL_URL,
    SUCCESS_URL,
    contract_active,
    contract_make,
    contract_paid,
    open_session_id,
    session_add,
)
from commerce.checkout import order_checkout, order_fulfil_from_return
from commerce.models import Order, Refund
from commerce.orders import order_line_for_item
from commerce.refunds import refund_quote, refund_start
from commerce.registry import NotPurchasable, get_kind
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

KIND = CoachingContractKind()


def test_the_kind_is_registered_under_its_name():
    assert CONTRACT_KIND == "coaching_contract"
    assert isinstance(get_kind(CONTRACT_KIND), CoachingContractKind)


def test_the_price_is_the_frozen_terms_not_what_the_proposal_says_now():
    # given a contract for 900.00, whose proposal the coach changes afterwards
    contract = contract_make(price_amount=90000, currency="eur")
    contract.proposal.price_amount = 1
    contract.proposal.save()
    # when commerce prices it for its student
    line = KIND.price(ref=str(contract.pk), user=contract.student)
    # then it is what the student accepted
    assert (line.unit_amount, line.currency, line.kind, line.ref) == (90000, "eur", CONTRACT_KIND, str(contract.pk))
    assert contract.coach.user.get_full_name() in line.title


@pytest.mark.parametrize(
    ("who", "status", "payable"),
    [
        ("student", Contract.Status.PENDING_PAYMENT, True),
        ("student", Contract.Status.ACTIVE, False),
        ("student", Contract.Status.CANCELED, False),
        ("coach", Contract.Status.PENDING_PAYMENT, False),
        ("other", Contract.Status.PENDING_PAYMENT, False),
    ],
)
def test_only_the_student_can_pay_and_only_while_it_waits(who, status, payable):
    contract = contract_make()
    if status != Contract.Status.PENDING_PAYMENT:
        contract_set_status(contract=contract, status=status, changes={"activated_at": timezone.now()})
    user = {"student": contract.student, "coach": contract.coach.user, "other": UserFactory()}[who]

    if payable:
        assert KIND.price(ref=str(contract.pk), user=user).unit_amount == contract.price_amount
    else:
        with pytest.raises(NotPurchasable):
            KIND.price(ref=str(contract.pk), user=user)


@pytest.mark.parametrize("ref", ["0", "abc", "999999"])
def test_an_unknown_contract_cannot_be_priced(ref):
    with pytest.raises(NotPurchasable) as refused:
        KIND.price(ref=ref, user=UserFactory())
    assert refused.value.message == CONTRACT_UNKNOWN


def test_paying_activates_the_contract_posts_in_the_thread_and_tells_both_once(
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a 12-week contract waiting for payment
    contract = contract_make(validity_weeks=12)
    # when its student pays it
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    # then it is active from the payment for 12 weeks
    assert contract.status == Contract.Status.ACTIVE
    assert contract.activated_at == order.paid_at
    assert contract.ends_at == order.paid_at + timedelta(weeks=12)
    assert list(contract.events.values_list("type", flat=True)) == ["active"]
    # and an automatic message (no author) is in the thread
    [message] = contract.proposal.inquiry.messages.all()
    assert message.is_automatic
    assert contract.number in message.body
    assert "$900.00" in message.body
    # and both were told once, whatever the replays
    paid = OutboxEmail.objects.filter(kind="coaching/contract_paid")
    assert sorted(paid.values_list("to", flat=True)) == sorted([[contract.student.email], [contract.coach.user.email]])
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=order.checkout_sessions.get().stripe_id)
    assert paid.count() == 2
    assert contract.events.count() == 1
    # and the order's line opens the contract's page
    [line] = order.lines.all()
    assert KIND.access_url(line=line) == f"/coaching/contracts/{contract.number}/"


def test_a_payment_for_a_contract_already_paid_is_refused_and_refunded_in_full(
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given two orders for the same contract, both at Stripe (a tab left open since the day before)
    contract = contract_make()
    older = contract_pay(contract=contract, user=contract.student)
    order_checkout(order=older, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=25))
    newer = contract_pay(contract=contract, user=contract.student)
    assert newer.pk != older.pk
    order_checkout(order=newer, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    # when both are paid and fulfilled
    for order in (newer, older):
        session_id = open_session_id(order)
        emulator.pay_checkout_session(session_id, card="4242424242424242")
        with django_capture_on_commit_callbacks(execute=True):
            order_fulfil_from_return(order=order, session_id=session_id)
    # then the first payment fulfilled keeps the contract; the second is refunded in full, automatically
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    assert contract.events.filter(type="active").count() == 1
    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.lines.get().fulfilled_at is not None
    refund = Refund.objects.get(order=older)
    assert (refund.amount, refund.source, refund.status) == (contract.price_amount, "automatic", "succeeded")
    assert ALREADY_PAID in refund.reason
    assert older.status == Order.Status.REFUNDED
    # and the contract's payment is the one kept, though the refused one was paid later
    assert order_line_for_item(kind=CONTRACT_KIND, ref=str(contract.pk)).order == newer


@pytest.mark.parametrize(
    ("price", "sessions", "used", "back"),
    [
        (90000, 6, 0, 90000),
        (90000, 6, 1, 75000),
        (90000, 6, 5, 15000),
        (90000, 6, 6, 0),
        # 100.00 over 3: credits are 33.34, 33.33, 33.33 (the first carries the extra cent)
        (10000, 3, 1, 6666),
        (10000, 3, 2, 3333),
        (10001, 3, 1, 6667),
        (1, 2, 0, 1),
        (1, 2, 1, 0),
    ],
)
def test_the_refund_rule_gives_back_the_unused_sessions_pro_rata(
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
    price,
    sessions,
    used,
    back,
):
    # given a paid contract with `used` sessions used (completed, no-show, cancelled late) and one booked ahead
    contract = contract_make(price_amount=price, sessions_count=sessions)
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    start = timezone.now() - timedelta(days=30)
    used_kinds = [
        CoachingSession.Status.COMPLETED,
        CoachingSession.Status.NO_SHOW,
        CoachingSession.Status.CANCELED_LATE,
    ]
    for index in range(used):
        session_add(contract=contract, status=used_kinds[index % 3], start_at=start + timedelta(days=index))
    if used < sessions:  # a booked session still counts as unused
        session_add(
            contract=contract, status=CoachingSession.Status.SCHEDULED, start_at=timezone.now() + timedelta(days=3)
        )
    # when the kind and commerce's policy quote it
    [line] = order.lines.all()
    verdict = KIND.refund_rule(line=line, now=timezone.now())
    quote = refund_quote(order=order, line_ids=[line.pk]).line_for(line.pk)
    # then it is what was paid less the value of the used credits
    assert verdict.eligible
    assert verdict.amount == back
    assert quote.amount == (back if back else line.total_amount)  # nothing owed: staff may still decide
    assert quote.eligible == (back > 0)


def test_the_refund_rule_counts_earlier_refunds_once(emulator, django_capture_on_commit_callbacks):  # noqa: F811
    # given a paid 6-session contract with one session used and 100.00 already given back by staff
    contract = contract_make(price_amount=90000, sessions_count=6)
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    session_add(contract=contract, status=CoachingSession.Status.COMPLETED, start_at=timezone.now() - timedelta(days=2))
    [line] = order.lines.all()
    refund_start(
        order=order,
        amounts={line.pk: 10000},
        reason="Goodwill",
        actor=None,
        source="staff",
        request_key="goodwill",
        revoke=False,
    )
    # when quoted
    quote = refund_quote(order=order, line_ids=[line.pk]).line_for(line.pk)
    # then the pro-rata share (750.00) less what already went back
    assert quote.amount == 75000 - 10000


@pytest.mark.parametrize(
    "status", [Contract.Status.PENDING_PAYMENT, Contract.Status.CANCELED, Contract.Status.COMPLETED]
)
def test_only_an_active_contract_is_refunded_by_the_rule(status):
    contract = contract_make()
    if status != Contract.Status.PENDING_PAYMENT:
        if status == Contract.Status.COMPLETED:
            contract = contract_active()
        contract_set_status(contract=contract, status=status)
    line = type("Line", (), {"ref": str(contract.pk), "total_amount": contract.price_amount})()

    verdict = KIND.refund_rule(line=line, now=timezone.now())

    assert (verdict.eligible, verdict.reasons) == (False, (REFUND_NOT_ACTIVE,))


def test_a_refund_of_the_payment_ends_the_contract_as_refunded_and_frees_its_sessions(
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a paid contract with a session booked ahead
    contract = contract_make()
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    booked = session_add(
        contract=contract, status=CoachingSession.Status.SCHEDULED, start_at=timezone.now() + timedelta(days=5)
    )
    # when staff refund the payment in commerce's console (or in Stripe's dashboard)
    with django_capture_on_commit_callbacks(execute=True):
        refund_start(order=order, amounts=None, reason="Coach left", actor=None, source="staff", request_key="r1")
    # then the contract is refunded, its booked session cancelled in time and its time freed
    contract.refresh_from_db()
    booked.refresh_from_db()
    assert contract.status == Contract.Status.REFUNDED
    assert (contract.canceled_by, contract.cancel_reason) == ("staff", "Coach left")
    assert contract.ended_at is not None
    assert booked.status == CoachingSession.Status.CANCELED_IN_TIME
    assert booked.appointment.status == "canceled"
    # and revoking again changes nothing
    [line] = order.lines.all()
    KIND.revoke(line=line, reason="again")
    assert contract.events.filter(type="refunded").count() == 1
