"""Contract pages: who sees what (table), paying through the emulator's hosted page, Stripe's two returns."""

import pytest
from django.urls import reverse

from coaching.contracts import contract_pay
from coaching.models import Contract
from coaching.status import contract_set_status
from coaching.tests.factories_pay import contract_active, contract_make, contract_paid
from commerce.models import Order
from commerce.tests.stripe_fixtures import (
    emulator,  # noqa: F401  (the Stripe emulator, used by name)
    messages_of,
    session_id_of,
    signed_in_client,
    webhooks,  # noqa: F401  (Stripe's webhooks reaching live_server, used by name)
)
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _url(name: str, contract: Contract) -> str:
    return reverse(f"coaching:{name}", kwargs={"number": contract.number})


def _viewer(contract: Contract, who: str):
    return {
        "student": contract.student,
        "coach": contract.coach.user,
        "other": UserFactory(),
        "staff": UserFactory(is_staff=True, is_superuser=True),
    }[who]


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("student", "contract_detail", 200),
        ("coach", "contract_detail", 200),
        ("other", "contract_detail", 404),
        ("staff", "contract_detail", 404),  # staff use the console, not the customer's page
        ("student", "contract_payment_canceled", 200),
        ("coach", "contract_payment_canceled", 404),
        ("other", "contract_payment_canceled", 404),
        ("coach", "contract_paid", 404),
        ("other", "contract_paid", 404),
    ],
)
def test_who_sees_a_contract_page(client, who, page, status):
    contract = contract_make()
    client.force_login(_viewer(contract, who))

    assert client.get(_url(page, contract)).status_code == status


@pytest.mark.parametrize("page", ["contract_detail", "contract_paid", "contract_payment_canceled"])
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(_url(page, contract_make()))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(("who", "status"), [("coach", 404), ("other", 404), ("staff", 404)])
def test_only_the_student_can_pay(client, who, status):
    contract = contract_make()
    client.force_login(_viewer(contract, who))

    response = client.post(_url("contract_pay", contract))

    assert response.status_code == status
    assert not Order.objects.exists()


def test_paying_is_a_post(client):
    contract = contract_make()
    client.force_login(contract.student)

    assert client.get(_url("contract_pay", contract)).status_code == 405


def test_the_student_sees_the_summary_a_pay_button_and_what_happens_next(client):
    contract = contract_make(price_amount=90000, sessions_count=6, session_minutes=60, validity_weeks=12)
    client.force_login(contract.student)

    page = client.get(_url("contract_detail", contract)).content.decode()

    assert "Pay $900.00" in page
    assert "6 × 60 minutes" in page
    assert "12 weeks from payment" in page
    assert "What happens next" in page
    assert _url("contract_pay", contract) in page


def test_the_coach_sees_it_waiting_without_a_pay_button(client):
    contract = contract_make()
    client.force_login(contract.coach.user)

    page = client.get(_url("contract_detail", contract)).content.decode()

    assert "Waiting for" in page
    assert _url("contract_pay", contract) not in page
    assert contract.student.get_full_name() in page


def test_pay_sends_the_student_to_stripe_and_the_success_page_activates_the_contract(
    client,
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a contract waiting for its student
    contract = contract_make()
    client.force_login(contract.student)
    # when they press Pay, pay with 4242 on Stripe's page, and come back
    session_id = session_id_of(client.post(_url("contract_pay", contract)))
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url("contract_paid", contract), {"session_id": session_id})
    # then the success page shows next steps and the contract is active
    assert response.status_code == 200
    page = response.content.decode()
    assert "You're all set" in page
    assert "Book your first session" in page
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    # and the contract page now shows its sessions instead of a Pay button
    detail = client.get(_url("contract_detail", contract)).content.decode()
    assert "Available to book" in detail
    assert _url("contract_pay", contract) not in detail


def test_a_forged_session_id_on_the_success_page_is_a_404(client, emulator):  # noqa: F811
    contract = contract_make()
    client.force_login(contract.student)

    response = client.get(_url("contract_paid", contract), {"session_id": "cs_test_forged"})

    assert response.status_code == 404
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT


def test_another_students_paid_session_does_not_activate_this_contract(
    client,
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given someone else's paid session
    theirs = contract_make()
    with django_capture_on_commit_callbacks(execute=True):
        order = contract_paid(emulator, theirs)
    mine = contract_make(coach=theirs.coach)
    client.force_login(mine.student)
    # when its id is put on my success page
    response = client.get(_url("contract_paid", mine), {"session_id": order.checkout_sessions.get().stripe_id})
    # then nothing happens to mine
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == Contract.Status.PENDING_PAYMENT


def test_back_from_stripe_before_the_payment_is_through_says_we_are_confirming(
    client,
    emulator,  # noqa: F811
):
    contract = contract_make()
    client.force_login(contract.student)
    session_id = session_id_of(client.post(_url("contract_pay", contract)))

    response = client.get(_url("contract_paid", contract), {"session_id": session_id})

    assert response.status_code == 302
    assert response["Location"] == _url("contract_detail", contract)
    assert "confirming your payment" in " ".join(messages_of(response))


def test_the_cancel_page_explains_the_contract_still_waits_and_offers_a_retry(client, emulator):  # noqa: F811
    # given a student who opened Stripe's page and left it
    contract = contract_make()
    client.force_login(contract.student)
    first = session_id_of(client.post(_url("contract_pay", contract)))
    # when they land on the cancel page
    page = client.get(_url("contract_payment_canceled", contract)).content.decode()
    # then it says nothing was charged, the contract waits, what may have happened, how to retry or get help
    assert "Nothing was charged" in page
    assert "waiting for payment" in page
    assert "declined" in page
    assert "Try again" in page
    assert "mailto:" in page
    # and retrying returns to the same payment page (one order, one page)
    assert session_id_of(client.post(_url("contract_pay", contract))) == first
    assert Order.objects.filter(user=contract.student).count() == 1


def test_a_declined_card_leaves_the_contract_payable(client, emulator):  # noqa: F811
    contract = contract_make()
    client.force_login(contract.student)
    session_id = session_id_of(client.post(_url("contract_pay", contract)))

    emulator.pay_checkout_session(session_id, card="4000000000000002")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert contract_pay(contract=contract, user=contract.student).status in ("pending", "failed")


@pytest.mark.parametrize("status", [Contract.Status.ACTIVE, Contract.Status.CANCELED])
def test_a_contract_no_longer_waiting_cannot_be_paid_again(client, status):
    contract = contract_active() if status == Contract.Status.ACTIVE else contract_make()
    if status == Contract.Status.CANCELED:
        contract_set_status(contract=contract, status=status)
    client.force_login(contract.student)

    response = client.post(_url("contract_pay", contract))

    assert response.status_code == 302
    assert response["Location"] == _url("contract_detail", contract)
    assert "nothing to pay" in " ".join(messages_of(response))
    assert not Order.objects.filter(user=contract.student).exists()


def test_my_coaching_lists_the_students_contracts_only(client):
    mine_waiting = contract_make(title="Waiting one")
    student = mine_waiting.student
    contract_active(student=student, coach=mine_waiting.coach, title="Active one")
    contract_make(title="Someone else's")
    client = signed_in_client(student)

    page = client.get(reverse("coaching:contract_list")).content.decode()

    assert "Waiting one" in page
    assert "Active one" in page
    assert "Someone else" not in page


@pytest.mark.django_db(transaction=True)
def test_a_declined_card_reported_by_stripe_tells_the_student_and_the_contract_stays_payable(
    client,
    emulator,  # noqa: F811
    webhooks,  # noqa: F811
):
    # given the student on Stripe's page, with Stripe's webhooks reaching the site
    contract = contract_make()
    client.force_login(contract.student)
    session_id = session_id_of(client.post(_url("contract_pay", contract)))
    # when the bank declines the card and Stripe reports it
    assert emulator.pay_checkout_session(session_id, card="4000000000000002")["status"] == "declined"
    emulator.wait_for_webhooks()
    # then the student is e-mailed that the payment failed, once, and the contract still waits on the same page
    [failed] = OutboxEmail.objects.filter(kind="commerce/payment_failed")
    assert failed.to == [contract.student.email]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert session_id_of(client.post(_url("contract_pay", contract))) == session_id
