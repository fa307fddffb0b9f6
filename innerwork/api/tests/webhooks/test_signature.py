"""README's verification snippet, run exactly as printed, against a real delivery: what it accepts and refuses."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from innerwork.api.webhooks.services import partner_event_emit
from innerwork.api.webhooks.signing import signature_compute, signature_header

pytestmark = pytest.mark.django_db
README = Path(settings.BASE_DIR) / "README.md"


def readme_verify():
    """The `verify` function of the Python block after README's `<!-- webhook-verify -->` marker."""
    block = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", README.read_text(), flags=re.S)
    assert block, "README lost its webhook verification snippet"
    assert len(block.group(1).strip().splitlines()) <= 12  # "in about ten lines"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    return namespace["verify"]


@pytest.fixture
def delivered(endpoint, receiver, django_capture_on_commit_callbacks):
    """The raw body and signature header of a real delivery, as the partner's server received them."""
    with django_capture_on_commit_callbacks(execute=True):
        partner_event_emit(
            partner=endpoint.partner, type="order.paid", data={"amount": 7500}, idempotency_key="order.paid:1"
        )
    [received] = receiver.requests
    return received.body, received.headers["InnerWork-Signature"], endpoint.plain_secret


def _tampered(body: bytes) -> bytes:
    return body.replace(b"7500", b"1")


CASES = [
    ("as received", lambda body, header, secret: (body, header, secret), True),
    ("another secret", lambda body, header, secret: (body, header, secret + "x"), False),
    ("body changed", lambda body, header, secret: (_tampered(body), header, secret), False),
    (
        "timestamp moved, signature kept",
        lambda body, header, secret: (body, re.sub(r"t=(\d+)", lambda m: f"t={int(m[1]) - 1}", header), secret),
        False,
    ),
    ("no v1", lambda body, header, secret: (body, header.split(",v1=")[0], secret), False),
    ("no t", lambda body, header, secret: (body, header.split(",", 1)[1], secret), False),
    ("garbage", lambda body, header, secret: (body, "nonsense", secret), False),
    ("empty", lambda body, header, secret: (body, "", secret), False),
    (
        "an old secret's v1 beside the right one (secret rolled)",
        lambda body, header, secret: (body, header.replace(",v1=", ",v1=" + "0" * 64 + ",v1="), secret),
        True,
    ),
]


@pytest.mark.parametrize(("case", "change", "accepted"), CASES, ids=[case[0] for case in CASES])
def test_readme_snippet_verifies_a_real_delivery(delivered, case, change, accepted):
    body, header, secret = change(*delivered)
    assert readme_verify()(body, header, secret) is accepted


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body(delivered):
    # the header received is exactly what the signing module computes for that body and time
    body, header, secret = delivered
    timestamp = int(re.search(r"t=(\d+)", header)[1])
    assert abs(time.time() - timestamp) < 60
    assert header == f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"


@pytest.mark.parametrize(
    ("age_seconds", "accepted"),
    [(0, True), (299, True), (-299, True), (301, False), (-301, False), (3600, False)],
    ids=["now", "almost five minutes old", "clock slightly ahead", "too old", "too far ahead", "an hour old"],
)
def test_readme_snippet_refuses_timestamps_outside_its_five_minute_tolerance(delivered, age_seconds, accepted):
    # given the real body signed (correctly) at a time `age_seconds` ago
    body, _, secret = delivered
    header = signature_header(secret=secret, timestamp=int(time.time()) - age_seconds, body=body)

    # then the snippet accepts it only within its tolerance
    assert readme_verify()(body, header, secret) is accepted
