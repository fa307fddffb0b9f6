"""Staff read the outbox in the admin and retry what failed."""

import pytest
from django.core import mail
from django.urls import reverse

from innerwork.accounts.tests.factories import StaffFactory
from innerwork.core.admin import RETRY_DONE, RETRY_SKIPPED_SENT
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:core_outboxemail_changelist")


def _row(**fields):
    defaults = {
        "dedup_key": f"test:{OutboxEmail.objects.count()}",
        "kind": "receipt",
        "to": ["buyer@example.com"],
        "subject": "Your receipt",
        "body_text": "Thanks for your order.",
        "body_html": "<p>Thanks for your order.</p>",
    }
    return OutboxEmail.objects.create(**{**defaults, **fields})


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_staff_list_the_outbox_with_status_recipient_and_subject(staff_client):
    # given
    _row(subject="Your receipt ORD-1", status=OutboxEmail.Status.FAILED, attempts=8)
    # when
    response = staff_client.get(CHANGELIST)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your receipt ORD-1" in html
    assert "buyer@example.com" in html
    assert "Failed (gave up)" in html


def test_staff_find_an_email_by_recipient(staff_client):
    # given
    _row(to=["findme@example.com"], subject="Findable")
    _row(to=["other@example.com"], subject="Hidden")
    # when
    html = staff_client.get(CHANGELIST, {"q": "findme@"}).content.decode()
    # then
    assert "Findable" in html
    assert "Hidden" not in html


def test_the_detail_page_shows_the_text_and_a_sandboxed_html_preview(staff_client):
    # given: HTML that would be dangerous if it ran in the admin's origin
    email = _row(body_html='<p>Hello</p><script>alert("x")</script>', body_text="Hello in text")
    # when
    html = staff_client.get(reverse("admin:core_outboxemail_change", args=[email.pk])).content.decode()
    # then
    assert "Hello in text" in html
    assert '<iframe class="outbox-preview" sandbox=""' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")</script>' not in html
    assert 'name="subject"' not in html  # read-only: no inputs


def test_retry_sends_a_failed_email_again_and_leaves_sent_ones_alone(staff_client, django_capture_on_commit_callbacks):
    # given
    failed = _row(status=OutboxEmail.Status.FAILED, attempts=8, last_error="ConnectionError: down")
    sent = _row(status=OutboxEmail.Status.SENT, attempts=1)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "retry", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )
    # then
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.SENT
    assert failed.attempts == 1
    assert len(mail.outbox) == 1
    html = response.content.decode()
    assert RETRY_DONE % {"count": 1} in html
    assert RETRY_SKIPPED_SENT % {"count": 1} in html


def test_outbox_rows_cannot_be_added_or_deleted_in_the_admin(staff_client):
    # given
    email = _row()
    # when / then
    assert staff_client.get(reverse("admin:core_outboxemail_add")).status_code == 403
    assert staff_client.get(reverse("admin:core_outboxemail_delete", args=[email.pk])).status_code == 403
