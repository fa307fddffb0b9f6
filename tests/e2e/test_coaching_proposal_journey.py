"""The conversation that leads to a coaching contract, in a real browser (Debian Chromium).

A student finds a coach in the list, reads their page and packages, and asks for a proposal. The coach,
in their own browser, sees the request in the coach area, answers in the thread and sends a proposal.
The student reads it, declines nothing and accepts it, which takes them to Stripe's page for those terms; they
leave it unpaid, and the contract waits for payment with the terms they saw; the coach is e-mailed. Each page
is shot at laptop (1280×800) and phone (390×844) widths.
"""

import itertools
from pathlib import Path

import pytest

from coaching.models import Contract, Proposal
from coaching.tests.factories import CoachProfileFactory, PackageOfferFactory, SpecialtyFactory
from innerwork.accounts.tests.factories import VerifiedUserFactory
from innerwork.core.models import OutboxEmail
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, assert_no_sideways_scroll, log_in, show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "coaching_proposal_journey"
_shot_numbers = itertools.count(1)


def shoot(page, name):
    """Both widths of whichever browser (student's or coach's) `page` is, numbered in journey order."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"{next(_shot_numbers):02d}-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["laptop"])


@pytest.fixture
def coach(live_server):
    leadership = SpecialtyFactory(slug="leadership", name="Leadership")
    profile = CoachProfileFactory(
        user=VerifiedUserFactory(email="maya@example.com", full_name="Maya Chen", time_zone="America/New_York"),
        slug="maya-chen",
        headline="Executive coach for first-time managers",
        bio=(
            "I coached 200 new managers through their first year.\n\n"
            "Sessions are practical: one thing to try each week."
        ),
        specialties=[leadership],
        languages=["en", "es"],
    )
    PackageOfferFactory(coach=profile, title="First 90 days", sessions_count=6, session_minutes=60, price_amount=90000)
    PackageOfferFactory(coach=profile, title="Quick reset", sessions_count=3, session_minutes=45, price_amount=36000)
    CoachProfileFactory(user__full_name="Ben Okafor", headline="Career changes after 40", languages=["en"])
    return profile


def test_student_asks_coach_proposes_student_accepts(browser, page, live_server, stripe_emulator_django, coach):
    base = live_server.url
    student = VerifiedUserFactory(email="jordan@example.com", full_name="Jordan Lee", time_zone="Europe/Paris")

    # The student finds the coach and asks for a proposal.
    log_in(page, base, student)
    page.goto(f"{base}/coaches/")
    page.wait_for_selector("text=Maya Chen")
    shoot(page, "coach-list")
    page.click("text=Maya Chen")
    page.wait_for_url(f"{base}/coaches/maya-chen/")
    assert page.locator(".package").count() == 2
    shoot(page, "coach-page")
    page.click("text=Ask for a proposal")
    page.fill("textarea[name='goals']", "I manage six people since Monday. I want to get better at feedback.")
    shoot(page, "ask")
    page.click("button:has-text('Send to')")
    page.wait_for_selector(".chat")
    assert "I manage six people" in page.inner_text(".messages-list")
    shoot(page, "thread-student")

    # The coach, in their own browser, sees the request and answers with a proposal.
    coach_context = browser.new_context(viewport=VIEWPORTS["laptop"], locale="en-US")
    coach_page = coach_context.new_page()
    log_in(coach_page, base, coach.user)
    coach_page.goto(f"{base}/coach/")
    assert "Waiting for your proposal" in coach_page.inner_text("main")
    shoot(coach_page, "coach-area")
    coach_page.click("text=Jordan Lee")
    coach_page.fill("textarea[name='body']", "Welcome Jordan! I'll send you a proposal in a minute.")
    coach_page.click("button:has-text('Send')")
    coach_page.wait_for_selector("text=I'll send you a proposal")
    coach_page.click("text=Send a proposal")
    coach_page.fill("input[name='title']", "Giving feedback that lands")
    coach_page.fill("textarea[name='goals']", "Feedback conversations, weekly one-to-ones, delegation.")
    coach_page.fill("input[name='sessions_count']", "6")
    coach_page.select_option("select[name='session_minutes']", "60")
    coach_page.fill("input[name='price']", "900.00")
    coach_page.fill("input[name='validity_weeks']", "12")
    shoot(coach_page, "proposal-form")
    coach_page.click("button:has-text('Send the proposal')")
    coach_page.wait_for_selector("text=Your proposal is sent")
    shoot(coach_page, "proposal-coach")
    proposal = Proposal.objects.get()
    assert (proposal.price_amount, proposal.sessions_count) == (90000, 6)
    assert OutboxEmail.objects.filter(kind="coaching/proposal_received", to=[student.email]).exists()

    # The student reads it in the thread and accepts.
    page.goto(f"{base}/coaching/inquiries/{proposal.inquiry_id}/")
    assert "Giving feedback that lands" in page.inner_text(".thread-aside")
    shoot(page, "thread-with-proposal")
    page.click("text=See and answer")
    assert "$900.00" in page.inner_text(".terms")
    shoot(page, "proposal-student")
    page.click("button:has-text('Accept and continue to payment')")
    # Accepting goes straight on to Stripe's page for the accepted terms; leaving it unpaid keeps the contract
    # waiting, with a way to try again.
    page.wait_for_url(HOSTED_PAGE)
    assert "$900.00" in page.inner_text("body")
    shoot(page, "accepted-stripe-page")
    contract = Contract.objects.get()
    assert contract.status == Contract.Status.PENDING_PAYMENT
    assert contract.accepted_terms["price_amount"] == 90000
    page.get_by_role("link", name="Back to InnerWork").click()
    page.wait_for_url(f"{base}/coaching/contracts/{contract.number}/payment-canceled/")
    assert "waiting for payment" in page.inner_text("main")
    assert page.locator("button:has-text('Try again')").count() == 1
    shoot(page, "accepted")

    # The coach was told; their area lists the contract waiting for payment.
    email = OutboxEmail.objects.get(kind="coaching/proposal_answered")
    assert email.to == [coach.user.email]
    coach_page.goto(f"{base}/coach/")
    assert contract.number in coach_page.inner_text("main")
    shoot(coach_page, "coach-area-after")
    coach_page.click("nav.mentor-tabs >> text=Calendar")
    coach_page.wait_for_url(f"{base}/coach/calendar/")
    assert "Weekly hours" in coach_page.inner_text("main")
    shoot(coach_page, "coach-calendar")
    show_email(coach_page, email.body_html)
    shoot(coach_page, "email-accepted")
    coach_context.close()
