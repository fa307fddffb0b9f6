"""The partner API's contract cancellation over HTTP: `?preview=true` quotes the pro-rata refund and changes
nothing; cancelling ends the contract through the site's service, refunds exactly the quote through commerce's
pipeline on the Stripe emulator, and tells the partner `contract.ended`; a replay refunds nothing more."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coaching.contract_end import NOT_CANCELABLE, contract_cancel
from coaching.models import CONTRACT_KIND, CoachingSession, Contract
from coaching.sessions import session_book, session_finish
from coaching.status import contract_set_status
from coaching.tests.api_helpers import API, post, through_partner
from coaching.tests.factories_sessions import (  # noqa: F401  (contract_kind is a fixture)
    coach_open_every_day,
    contract_active,
    contract_kind,
    contract_paid,
    contract_waiting,
    day_at,
)
from coaching.tests.test_api_sessions import soon
from commerce.models import Order, Refund
from innerwork.api.webhooks.models import PartnerEvent

pytestmark = pytest.mark.django_db


def _use(contract: Contract, count: int) -> None:
    """`count` sessions booked and marked completed by the coach (each uses a credit)."""
    for n in range(count):
        session = session_book(contract=contract, student=contract.student, start_at=day_at(2 + n, 9))
        session_finish(session=session, actor=contract.coach.user, now=session.appointment.end_at)


def _paid(used: int = 0, *, booked=None):
    """A paid 4 × $225 contract with `used` sessions completed and, if `booked` says when, one more booked."""

    def make(emulator, coach, student, capture):
        contract, _order = contract_paid(
            emulator=emulator, coach=coach, capture=capture, student=student, partner=through_partner(student)
        )
        _use(contract, used)
        if booked:
            session_book(contract=contract, student=student, start_at=booked())
        return contract

    return make


def _waiting(emulator, coach, student, capture):
    return contract_waiting(coach=coach, student=student, partner=through_partner(student))


def _completed(emulator, coach, student, capture):
    contract = contract_active(coach=coach, student=student, partner=through_partner(student))
    contract_set_status(contract=contract, status=Contract.Status.COMPLETED, changes={"ended_at": timezone.now()})
    return contract


def _refunded(emulator, coach, student, capture):
    contract = _paid()(emulator, coach, student, capture)
    with capture(execute=True):
        contract_cancel(contract=contract, party=Contract.Party.STUDENT, actor=student)
    return contract


CANCELS = [
    # (case, contract, status, refund or error code, contract status after, used, late, open session after)
    ("paid, none used", _paid(), 200, 90000, "refunded", 0, 0, None),
    ("paid, one used", _paid(1), 200, 67500, "refunded", 1, 0, None),
    (
        "paid, one used, one booked in time",
        _paid(1, booked=lambda: day_at(8, 10)),
        200,
        67500,
        "refunded",
        1,
        0,
        "canceled_in_time",
    ),
    (
        "paid, one used, one booked within the notice",
        _paid(1, booked=soon),
        200,
        45000,
        "refunded",
        2,
        1,
        "canceled_late",
    ),
    ("paid, three used, the last within the notice", _paid(3, booked=soon), 200, 0, "canceled", 4, 1, "canceled_late"),
    ("waiting for payment", _waiting, 200, 0, "canceled", 0, 0, None),
    ("completed", _completed, 409, "contract_not_cancelable", "completed", None, None, None),
    ("already refunded", _refunded, 409, "contract_not_cancelable", "refunded", None, None, None),
]


@pytest.mark.parametrize(
    ("case", "make", "status", "outcome", "after", "used", "late", "open_after"),
    CANCELS,
    ids=[c[0] for c in CANCELS],
)
def test_preview_quotes_and_cancelling_refunds_exactly_the_quote(
    emulator,
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    api,
    partner,
    coach,
    student,
    customer,
    case,
    make,
    status,
    outcome,
    after,
    used,
    late,
    open_after,
):
    # given the partner's customer's contract in the case's state
    contract = make(emulator, coach, student, django_capture_on_commit_callbacks)
    status_before = Contract.objects.get(pk=contract.pk).status
    refunds_before = Refund.objects.count()
    url = f"{API}/contracts/{contract.number}/cancel/"

    # when the partner asks for the quote
    preview = post(api, url + "?preview=true")

    # then it is the pro-rata quote (or the refusal), and nothing changed
    assert preview.status_code == status, preview.json()
    assert Contract.objects.get(pk=contract.pk).status == status_before
    assert Refund.objects.count() == refunds_before
    if status != 200:
        assert (preview.json()["error"]["code"], preview.json()["error"]["message"]) == (outcome, NOT_CANCELABLE)
    else:
        quote = preview.json()
        assert (quote["object"], quote["preview"], quote["contract"]["status"], quote["message"]) == (
            "contract_cancellation",
            True,
            status_before,
            "",
        )
        assert (quote["refund"]["amount"], quote["refund"]["currency"], quote["refund"]["used"]) == (
            outcome,
            "usd",
            used,
        )
        assert (quote["refund"]["late"], quote["refund"]["unused"], quote["refund"]["sessions"]) == (late, 4 - used, 4)
        assert quote["refund"]["explanation"]

    # when the partner cancels it
    with django_capture_on_commit_callbacks(execute=True):
        done = post(api, url, {"reason": "Moving abroad"})

    # then it ends as the table says, exactly the quote is refunded on the emulator, and the partner is told
    contract.refresh_from_db()
    assert done.status_code == status, done.json()
    assert contract.status == after
    if status != 200:
        assert done.json()["error"]["code"] == outcome
        assert Refund.objects.count() == refunds_before
        return
    body = done.json()
    assert (body["preview"], body["contract"]["status"], body["refund"]) == (False, after, preview.json()["refund"])
    assert body["contract"]["ended_at"]
    assert contract.cancel_reason == "Moving abroad"
    refunds = Refund.objects.filter(order__lines__kind=CONTRACT_KIND, order__lines__ref=str(contract.pk))
    assert [(r.amount, r.status) for r in refunds] == ([(outcome, "succeeded")] if outcome else [])
    if outcome:
        assert body["refund"]["display"] == f"${outcome / 100:,.2f}"
        assert Order.objects.get(lines__kind=CONTRACT_KIND, lines__ref=str(contract.pk)).amount_refunded == outcome
        assert "$" in body["message"]
    if open_after:
        assert (
            list(CoachingSession.objects.filter(contract=contract).values_list("status", flat=True)).count(open_after)
            == 1
        )
    ended = PartnerEvent.objects.filter(partner=partner, type="contract.ended")
    assert [(e.data["number"], e.data["status"]) for e in ended] == [(contract.number, after)]


def test_a_replayed_cancel_answers_the_first_and_a_new_key_refunds_nothing_more(
    emulator,
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    api,
    partner,
    coach,
    student,
    customer,
):
    # given a paid contract with one session used
    contract = _paid(1)(emulator, coach, student, django_capture_on_commit_callbacks)
    url = f"{API}/contracts/{contract.number}/cancel/"

    # when the partner cancels it, then sends the same request again, then once more with a new key
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api, url, {"reason": "Moving abroad"}, key="end-1")
        again = post(api, url, {"reason": "Moving abroad"}, key="end-1")
        fresh = post(api, url, {"reason": "Moving abroad"}, key="end-2")

    # then the replay is the first answer, the new key is refused, and one refund of the quote was made
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (fresh.status_code, fresh.json()["error"]["code"]) == (409, "contract_not_cancelable")
    assert list(Refund.objects.values_list("amount", flat=True)) == [67500]
    assert PartnerEvent.objects.filter(partner=partner, type="contract.ended").count() == 1


def test_each_contract_cancel_needs_an_idempotency_key(api, coach, student, customer):
    contract = contract_active(coach=coach, student=student, partner=through_partner(student))
    for query in ("", "?preview=true"):
        response = api.post(f"{API}/contracts/{contract.number}/cancel/{query}", {}, format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (400, "idempotency_key_missing")
    contract.refresh_from_db()
    assert contract.status == "active"
