"""A new learner's account journey in a real browser (Debian Chromium).

Sign up (with a name) → confirm from the e-mailed link, greeted by that name → log out → forget the password →
reset it from the e-mailed link → log in with the new one → change the time zone.
Screenshots land in artifacts/screenshots/ (phone 390 px and laptop 1280 px).
"""

import re
from pathlib import Path

import pytest

from innerwork.accounts.models import User
from innerwork.core.tests.outbox import outbox_latest, outbox_link
from tests.e2e.test_checkout_journeys import show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "maya.learner@example.com"
FIRST_PASSWORD = "first-long-passphrase-81"
NEW_PASSWORD = "second-long-passphrase-27"
PHONE_SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "accounts_phone"


def _log_in(page, base_url, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", password)
    page.click("button:has-text('Log in')")


def test_sign_up_confirm_reset_password_and_set_time_zone(page, live_server):
    base = live_server.url

    # Sign up.
    page.goto(f"{base}/accounts/signup/")
    page.shot("signup")
    page.fill("#id_full_name", "Maya Learner")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", FIRST_PASSWORD)
    page.fill("#id_password2", FIRST_PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert page.is_visible("h1:has-text('Confirm your e-mail address')")
    page.shot("verification-sent")

    # The confirmation e-mail, as a mail client would render its HTML.
    confirmation = outbox_latest(to=EMAIL, kind="email_confirmation_signup")
    link = outbox_link(to=EMAIL, kind="email_confirmation_signup")
    assert link.startswith(base)
    show_email(page, confirmation.body_html)
    assert page.is_visible("a:has-text('Confirm my e-mail address')")
    page.shot("email-confirmation")

    # Confirm from the link: signed in, on the dashboard.
    page.goto(link)
    page.shot("confirm-email")
    page.click("button:has-text('Confirm this address')")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    assert page.is_visible("h1:has-text('Welcome back, Maya')")
    page.shot("dashboard-welcome")

    # Log out (with the confirmation page).
    page.goto(f"{base}/accounts/logout/")
    page.shot("logout")
    page.click("main button:has-text('Log out')")
    page.wait_for_url(f"{base}/")
    assert page.is_visible("header a:has-text('Log in')")

    # Forgot the password: ask for a link from the login page.
    page.goto(f"{base}/accounts/login/")
    page.shot("login")
    page.click("a:has-text('Forgot your password?')")
    page.wait_for_url(re.compile(r"/accounts/password/reset/$"))
    page.shot("password-reset")
    page.fill("#id_email", EMAIL)
    page.click("button:has-text('Send me a reset link')")
    page.wait_for_url(re.compile(r"/accounts/password/reset/done/$"))
    page.shot("password-reset-done")

    # Follow the e-mailed link and choose a new password.
    show_email(page, outbox_latest(to=EMAIL, kind="password_reset_key").body_html)
    page.shot("email-password-reset")
    page.goto(outbox_link(to=EMAIL, kind="password_reset_key"))
    assert page.is_visible("h1:has-text('Choose a new password')")
    page.shot("password-reset-from-key")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("button:has-text('Save new password')")
    page.wait_for_url(re.compile(r"/accounts/password/reset/key/done/$"))
    page.shot("password-reset-complete")

    # The old password no longer works; the new one does.
    _log_in(page, base, FIRST_PASSWORD)
    assert page.is_visible("text=The email address and/or password you specified are not correct.")
    page.shot("login-wrong-password")
    _log_in(page, base, NEW_PASSWORD)
    page.wait_for_url(re.compile(r"/dashboard/$"))

    # Change the time zone on the account page.
    page.goto(f"{base}/accounts/profile/")
    page.shot("account")
    assert page.eval_on_selector("#id_full_name", "el => el.value") == "Maya Learner"
    page.fill("#id_full_name", "Maya Learner")
    page.select_option("#id_time_zone", "Asia/Tokyo")
    page.click("button:has-text('Save profile')")
    page.wait_for_url(f"{base}/accounts/profile/")
    assert page.is_visible("text=Your profile is saved.")
    assert page.is_visible("[data-time-zone-note] strong:has-text('Asia/Tokyo')")
    assert page.eval_on_selector("#id_time_zone", "el => el.value") == "Asia/Tokyo"
    page.shot("account-saved")
    user = User.objects.get(email=EMAIL)
    assert (user.full_name, user.time_zone) == ("Maya Learner", "Asia/Tokyo")


def test_account_pages_fit_a_phone(browser, live_server):
    # given: a confirmed learner on a 390 px wide phone
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(EMAIL, FIRST_PASSWORD, full_name="Maya Learner", time_zone="Europe/Lisbon")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(PHONE_SHOTS / f"{name}.png"), full_page=True)
        # nothing may stick out sideways on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name

    try:
        page.goto(f"{live_server.url}/accounts/signup/")
        page.fill("#id_full_name", "Maya Learner")
        shot("01-signup")
        page.goto(f"{live_server.url}/accounts/login/")
        shot("02-login")
        # the menu opens without JavaScript-driven widgets: it is a <details>
        page.click("summary:has-text('Menu')")
        assert page.is_visible(".site-menu__panel a:has-text('Sign up')")
        shot("03-menu-open")
        page.click("summary:has-text('Menu')")
        page.fill("#id_login", EMAIL)
        page.fill("#id_password", FIRST_PASSWORD)
        page.click("button:has-text('Log in')")
        page.wait_for_url("**/dashboard/")
        assert page.is_visible("h1:has-text('Welcome back, Maya')")
        shot("03b-dashboard-welcome")
        page.goto(f"{live_server.url}/accounts/profile/")
        assert page.is_visible("text=Europe/Lisbon")
        shot("04-account")
        page.goto(f"{live_server.url}/accounts/email/")
        shot("05-email")
        page.goto(f"{live_server.url}/accounts/password/change/")
        shot("06-password-change")
    finally:
        context.close()


def test_staff_two_factor_pages_wear_the_site_layout(page, live_server):
    # given: a staff member, just logged in
    from allauth.account.models import EmailAddress

    staff = User.objects.create_user(EMAIL, FIRST_PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=staff, email=EMAIL, verified=True, primary=True)
    _log_in(page, live_server.url, FIRST_PASSWORD)
    page.wait_for_url("**/dashboard/")
    # when
    page.goto(f"{live_server.url}/accounts/profile/")
    page.click("a:has-text('Two-factor settings')")
    # then
    assert page.is_visible(".settings-card h1:has-text('Two-Factor Authentication')")
    assert page.is_visible(".panel a.button:has-text('Activate')")
    page.shot("two-factor")
    page.click(".panel a.button:has-text('Activate')")
    # allauth always asks for the password again before a two-factor change
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert page.is_visible(".auth-card h1:has-text('Confirm Access')")
    page.shot("reauthenticate")
    page.fill("#id_password", FIRST_PASSWORD)
    page.click("button:has-text('Confirm')")
    assert page.is_visible("img.qr-code")
    page.shot("two-factor-activate")
