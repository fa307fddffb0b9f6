"""State survives a restart; concurrent requests on one session or charge stay consistent."""

import threading
import urllib.parse
import urllib.request

import stripe

from stripe_emulator.testing import WebhookReceiver, run_emulator
from stripe_emulator.tests.factories import make_paid_session, make_session


def test_state_survives_a_restart_and_the_session_can_still_be_paid(tmp_path):
    with run_emulator(tmp_path) as emulator, emulator.configure_stripe():
        # given
        customer = stripe.Customer.create(email="ann@example.com")
        session = make_session(customer=customer.id)
        emulator.advance_clock(600)

        # when
        emulator.restart()

        # then
        assert stripe.Customer.retrieve(customer.id).email == "ann@example.com"
        assert stripe.checkout.Session.retrieve(session.id).url == session.url
        assert [e.type for e in stripe.Event.list().data][-1] == "customer.created"
        assert emulator.now() >= customer.created + 600
        assert emulator.pay_checkout_session(session.id)["status"] == "succeeded"


def test_undelivered_webhooks_are_delivered_after_a_restart(tmp_path):
    with run_emulator(tmp_path) as emulator, emulator.configure_stripe(), WebhookReceiver() as receiver:
        stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=["*"])
        emulator.pause_webhooks()
        stripe.Customer.create(email="ann@example.com")

        emulator.restart()
        emulator.resume_webhooks()

        [delivery] = receiver.wait_for(1)
        assert delivery.json["type"] == "customer.created"


def _post_form(url: str, fields: dict) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
    try:
        with opener.open(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_many_threads_paying_one_session_make_exactly_one_payment(emulator):
    # given one open session and twenty browsers submitting the hosted form at once
    session = make_session()
    fields = {
        "email": "ann@example.com",
        "card_number": "4242 4242 4242 4242",
        "card_expiry": "12 / 34",
        "card_cvc": "123",
        "name": "Ann",
        "country": "US",
        "action": "pay",
    }
    statuses = []

    def pay():
        statuses.append(_post_form(session.url, fields))

    # when
    threads = [threading.Thread(target=pay) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every submission got an answer, and one payment happened
    assert len(statuses) == 20
    assert set(statuses) == {303}  # the winner to success_url, the others back to the (now complete) page
    assert len(stripe.Charge.list().data) == 1
    assert len(stripe.PaymentIntent.list().data) == 1
    assert len(stripe.Event.list(type="checkout.session.completed").data) == 1
    assert stripe.checkout.Session.retrieve(session.id).status == "complete"


def test_concurrent_refunds_never_exceed_the_charge(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    outcomes = []

    def refund():
        try:
            stripe.Refund.create(charge=charge.id, amount=1000)
            outcomes.append("ok")
        except stripe.InvalidRequestError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=refund) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 4  # 4 × 10.00 of 49.00
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 4000
    assert sum(r.amount for r in stripe.Refund.list(charge=charge.id).data) == 4000
