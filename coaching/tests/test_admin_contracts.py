"""The contracts console: who sees it and who may cancel (table), the contract page's sections, filters,
and staff cancel-and-refund (reason required, audited, refund through commerce's pipeline).

Staff rights are given as permissions here (view, cancel); the roles migration maps them onto roles.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coaching.contract_end import REASON_REQUIRED, contract_cancel
from coaching.models import CoachingSession, Contract, Message
from coaching.sessions import SessionError
from coaching.tests.factories_pay import contract_active, contract_make, contract_paid, session_add
from commerce.models import Refund
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:coaching_contract_changelist"
VIEW = ("view_contract",)
CANCEL = ("view_contract", "cancel_contract")


def _staff(perms: tuple[str, ...] = (), **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="coaching", codename__in=perms))
    return user


def _cancel(client, contract, reason: str):
    chosen = {"_selected_action": [contract.pk], "action": "cancel_and_refund"}
    return client.post(reverse(CHANGELIST), {**chosen, "apply": "1", "reason": reason})


@pytest.mark.parametrize(
    ("perms", "superuser", "sees", "may_cancel"),
    [
        ((), False, False, False),
        (VIEW, False, True, False),
        (CANCEL, False, True, True),
        ((), True, True, True),
    ],
)
def test_who_sees_contracts_and_who_is_offered_cancel(client, perms, superuser, sees, may_cancel):
    contract = contract_make()
    client.force_login(_staff(perms, is_superuser=superuser))

    listing = client.get(reverse(CHANGELIST))
    page = client.get(reverse("admin:coaching_contract_change", args=[contract.pk]))

    assert listing.status_code == (200 if sees else 403)
    assert page.status_code == (200 if sees else 403)
    if sees:
        assert ("cancel_and_refund" in listing.content.decode()) == may_cancel


def test_customers_cannot_open_the_console(client):
    contract = contract_make()
    client.force_login(contract.student)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_contract_page_shows_terms_credits_sessions_messages_payments_and_timeline(
    client,
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a paid contract with one session used and one booked
    contract = contract_make(title="Lead with confidence", price_amount=90000, sessions_count=6)
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    session_add(contract=contract, status=CoachingSession.Status.COMPLETED, start_at=timezone.now() - timedelta(days=3))
    session_add(contract=contract, status=CoachingSession.Status.SCHEDULED, start_at=timezone.now() + timedelta(days=3))
    client.force_login(_staff(VIEW))
    # when staff open it
    page = client.get(reverse("admin:coaching_contract_change", args=[contract.pk])).content.decode()
    # then every section is there
    assert "Lead with confidence" in page
    assert "6 × 60 min" in page
    assert "$900.00" in page
    assert "1 used · 1 booked · 4 left of 6" in page
    assert "Completed" in page
    assert order.number in page
    assert "Kept: activated the contract" in page
    assert Message.objects.get(inquiry=contract.proposal.inquiry).body[:40] in page
    assert "Payment received: the contract is active" in page


def test_filters_and_search_narrow_the_list(client):
    waiting = contract_make(title="Waiting package")
    active = contract_active(title="Active package")
    client.force_login(_staff(VIEW))

    by_status = client.get(reverse(CHANGELIST), {"status__exact": "active"}).content.decode()
    by_search = client.get(reverse(CHANGELIST), {"q": waiting.number}).content.decode()
    today = timezone.localdate().isoformat()
    by_paid_day = client.get(reverse(CHANGELIST), {"paid_from": today, "paid_to": today}).content.decode()

    assert active.number in by_status
    assert waiting.number not in by_status
    assert waiting.number in by_search
    assert active.number not in by_search
    assert active.number in by_paid_day
    assert waiting.number not in by_paid_day


def test_staff_cancel_an_active_contract_refunding_its_unused_sessions_pro_rata_audited(
    client,
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a paid 6 × 150.00 contract with 2 sessions used and 1 booked ahead
    contract = contract_make(price_amount=90000, sessions_count=6)
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, contract)
    for days in (10, 5):
        session_add(
            contract=contract,
            status=CoachingSession.Status.COMPLETED,
            start_at=timezone.now() - timedelta(days=days),
        )
    booked = session_add(
        contract=contract, status=CoachingSession.Status.SCHEDULED, start_at=timezone.now() + timedelta(hours=2)
    )
    staff = _staff(CANCEL)
    client.force_login(staff)
    # when staff are asked for a reason, then give one
    asked = client.post(reverse(CHANGELIST), {"_selected_action": [contract.pk], "action": "cancel_and_refund"})
    assert "2 of 6 sessions used" in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _cancel(client, contract, "Coach is unavailable for months")
    # then the booked session is cancelled in time (credit back), and 4 × 150.00 goes back through commerce
    booked.refresh_from_db()
    assert booked.status == CoachingSession.Status.CANCELED_IN_TIME
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.source, refund.status) == (60000, "staff", "succeeded")
    # and the refund's success marks the contract refunded, by staff, with the reason
    contract.refresh_from_db()
    assert contract.status == Contract.Status.REFUNDED
    assert (contract.canceled_by, contract.cancel_reason) == ("staff", "Coach is unavailable for months")
    # and it is audited: the cancellation and commerce's refund
    cancel = StaffAction.objects.get(action="contract.cancel")
    assert (cancel.actor, cancel.reason, cancel.order_number) == (
        staff,
        "Coach is unavailable for months",
        order.number,
    )
    assert cancel.data["refund"] == 60000
    assert StaffAction.objects.filter(action="order.refund", order_number=order.number).count() == 1
    # and doing it again is refused, with nothing more refunded
    with django_capture_on_commit_callbacks(execute=True):
        _cancel(client, contract, "Again")
    assert Refund.objects.filter(order=order).count() == 1
    assert StaffAction.objects.filter(action="contract.cancel").count() == 1


def test_staff_cancel_an_unpaid_contract_without_money(client):
    contract = contract_make()
    client.force_login(_staff(CANCEL))

    _cancel(client, contract, "Student asked by phone")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELED
    assert contract.canceled_by == "staff"
    assert not Refund.objects.exists()
    assert StaffAction.objects.get(action="contract.cancel").order_number == ""


def test_a_used_up_contract_is_cancelled_with_nothing_back(emulator, django_capture_on_commit_callbacks):  # noqa: F811
    contract = contract_make(sessions_count=2)
    with django_capture_on_commit_callbacks(execute=True):
        contract_paid(emulator, contract)
    for days in (4, 2):
        session_add(
            contract=contract, status=CoachingSession.Status.NO_SHOW, start_at=timezone.now() - timedelta(days=days)
        )

    _, money = contract_cancel(contract=contract, party="staff", actor=_staff(CANCEL), reason="Closing the file")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELED
    assert money == ""
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("perms", "staff", "reason", "error"),
    [
        (VIEW, True, "A reason", PermissionDenied),
        (CANCEL, False, "A reason", PermissionDenied),  # a permission without staff status is not enough
        (CANCEL, True, "   ", SessionError),
    ],
)
def test_the_service_refuses_without_the_permission_or_a_reason(perms, staff, reason, error):
    contract = contract_make()
    actor = _staff(perms)
    if not staff:
        actor.is_staff = False
        actor.save()

    with pytest.raises(error) as refused:
        contract_cancel(contract=contract, party="staff", actor=actor, reason=reason)

    if error is SessionError:
        assert refused.value.message == REASON_REQUIRED
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert not StaffAction.objects.exists()


def test_a_viewer_posting_the_action_anyway_changes_nothing(client):
    contract = contract_make()
    client.force_login(_staff(VIEW))

    _cancel(client, contract, "Trying")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert not StaffAction.objects.exists()
