"""Webhook retries as Stripe schedules them: test mode retries three times over a few hours, live mode for
about three days; a disabled or deleted endpoint gets no further attempt. The back-off runs unscaled here
(`webhook_retry_scale=1`) and the emulator clock is moved instead, so each step is exact."""

import time

import pytest
import stripe

from stripe_emulator.testing import WebhookReceiver, run_emulator
from stripe_emulator.webhooks import ENDPOINT_DISABLED, LIVE_RETRY_DELAYS, TEST_RETRY_DELAYS


def delivery_after(emulator, attempts: int, timeout: float = 10) -> dict:
    """The only delivery, once `attempts` attempts are recorded and it is no longer being sent."""
    deadline = time.monotonic() + timeout
    while True:
        found = emulator.deliveries()
        if found and found[0]["status"] != "sending" and len(found[0]["attempt_log"]) >= attempts:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no delivery with {attempts} attempts: {found}")
        time.sleep(0.02)


@pytest.fixture
def unscaled(tmp_path):
    def start(**options):
        return run_emulator(tmp_path, in_process=True, webhook_retry_scale=1.0, **options)

    return start


@pytest.mark.parametrize(
    ("schedule", "delays", "final_status"),
    [
        ("test", TEST_RETRY_DELAYS, "failed"),
        ("live", LIVE_RETRY_DELAYS[:3], "pending"),
    ],
)
def test_failed_deliveries_follow_the_modes_retry_schedule(unscaled, schedule, delays, final_status):
    # given an endpoint that always fails
    with (
        unscaled(webhook_retry_schedule=schedule) as emulator,
        emulator.configure_stripe(),
        WebhookReceiver(default_status=500) as receiver,
    ):
        stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=["customer.created"])
        stripe.Customer.create(email="a@example.com")
        delivery_after(emulator, 1)

        # when the clock reaches each retry, one second short of it first
        for number, delay in enumerate(delays, start=2):
            emulator.advance_clock(delay - 1)
            time.sleep(0.3)
            assert delivery_after(emulator, number - 1)["attempts"] == number - 1
            emulator.advance_clock(1)
            delivery_after(emulator, number)
        emulator.advance_clock(10 * 3600)
        time.sleep(0.3)

        # then
        delivery = delivery_after(emulator, len(delays) + 1)
    assert delivery["status"] == final_status
    assert delivery["attempts"] == len(delays) + 1 + (schedule == "live")  # live mode retried again at 5 h
    assert len(receiver.received) == delivery["attempts"]


def test_test_mode_gives_up_after_three_retries_within_a_few_hours():
    assert len(TEST_RETRY_DELAYS) == 3
    assert 3600 < sum(TEST_RETRY_DELAYS) < 6 * 3600
    assert sum(LIVE_RETRY_DELAYS) > 3 * 24 * 3600 - 24 * 3600


@pytest.mark.parametrize("stop", ["disable", "delete"])
def test_retries_stop_once_the_endpoint_is_disabled_or_deleted(unscaled, stop):
    with unscaled() as emulator, emulator.configure_stripe(), WebhookReceiver(default_status=500) as receiver:
        endpoint = stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=["customer.created"])
        stripe.Customer.create(email="a@example.com")
        assert delivery_after(emulator, 1)["status"] == "pending"

        if stop == "disable":
            stripe.WebhookEndpoint.modify(endpoint.id, disabled=True)
        else:
            stripe.WebhookEndpoint.delete(endpoint.id)
        emulator.advance_clock(sum(TEST_RETRY_DELAYS) + 60)
        emulator.wait_for_webhooks()

        [delivery] = emulator.deliveries()
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == ("failed", 1, ENDPOINT_DISABLED)
    assert len(receiver.received) == 1


def test_an_endpoint_enabled_again_before_the_retry_still_gets_it(unscaled):
    with unscaled() as emulator, emulator.configure_stripe(), WebhookReceiver(statuses=[500]) as receiver:
        endpoint = stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=["customer.created"])
        stripe.Customer.create(email="a@example.com")
        delivery_after(emulator, 1)

        stripe.WebhookEndpoint.modify(endpoint.id, disabled=True)
        stripe.WebhookEndpoint.modify(endpoint.id, disabled=False)
        emulator.advance_clock(TEST_RETRY_DELAYS[0])
        delivery = delivery_after(emulator, 2)

    assert (delivery["status"], [a["status_code"] for a in delivery["attempt_log"]]) == ("succeeded", [500, 200])
