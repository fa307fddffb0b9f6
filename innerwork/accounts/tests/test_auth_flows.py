"""Signing up, confirming, logging in and resetting a password, through allauth's real pages."""

from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from innerwork.accounts.models import User
from innerwork.accounts.tests.factories import PASSWORD, UserFactory, VerifiedUserFactory
from innerwork.core.tests.outbox import outbox_latest, outbox_link

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _signup(client, email="new.learner@example.com", password=PASSWORD):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _path(url: str) -> str:
    return urlparse(url).path


def test_signup_creates_user_and_queues_a_confirmation_email_with_html_and_text(client):
    # when
    response = _signup(client)
    # then
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.learner@example.com")
    assert user.check_password(PASSWORD)
    email = outbox_latest(to="new.learner@example.com", kind="email_confirmation_signup")
    assert email.subject == "[InnerWork] Confirm your e-mail address"
    assert "/accounts/confirm-email/" in email.body_text
    assert "Confirm my e-mail address" in email.body_html
    assert email.body_text.startswith("Hi there,")  # the site's e-mail base, not allauth's "Hello from example.com!"
    assert "<html" in email.body_html
    assert "InnerWork" in email.body_html
    assert not client.get(reverse("account_profile")).wsgi_request.user.is_authenticated


def test_signup_email_is_stored_lower_case_and_login_by_email_ignores_case(client):
    # given
    _signup(client, email="Mixed.Case@Example.com")
    client.post(_path(outbox_link(to="mixed.case@example.com", kind="email_confirmation_signup")))
    client.logout()
    # when
    response = _login(client, "MIXED.case@example.com")
    # then
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")
    assert User.objects.filter(email="mixed.case@example.com").exists()


def test_login_with_verified_email_signs_the_user_in(client):
    # given
    user = VerifiedUserFactory()
    # when
    response = _login(client, user.email)
    # then
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")
    assert client.get(reverse("account_profile")).status_code == 200


def test_login_with_wrong_password_shows_the_error_on_the_styled_page(client):
    # given
    user = VerifiedUserFactory()
    # when
    response = _login(client, user.email, "not-the-password")
    # then
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert b"auth-card" in response.content


def test_mandatory_verification_blocks_login_until_the_address_is_confirmed(client):
    # given: a fresh sign-up that has not clicked the link
    _signup(client)
    client.logout()
    # when
    response = _login(client, "new.learner@example.com")
    # then: allauth sends them to "check your inbox" and they are not signed in
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("account_profile")).status_code == 302
    # when: they open the confirmation link and confirm
    link = outbox_link(to="new.learner@example.com", kind="email_confirmation_signup")
    page = client.get(_path(link))
    assert b"Confirm this address" in page.content
    client.post(_path(link))
    # then
    assert EmailAddress.objects.get(email="new.learner@example.com").verified
    client.logout()
    response = _login(client, "new.learner@example.com")
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")


def test_confirming_the_email_in_the_signup_session_logs_the_user_in(client):
    # given
    _signup(client)
    link = outbox_link(to="new.learner@example.com", kind="email_confirmation_signup")
    # when
    response = client.post(_path(link))
    # then
    assert response.status_code == 302
    assert client.get(reverse("account_profile")).status_code == 200


def test_password_reset_end_to_end_through_the_outbox(client):
    # given
    user = VerifiedUserFactory()
    # when: the user asks for a reset
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    email = outbox_latest(to=user.email, kind="password_reset_key")
    assert email.subject == "[InnerWork] Reset your password"
    assert "Choose a new password" in email.body_html
    # and follows the link (allauth moves the key into the session, then shows the form)
    link = outbox_link(to=user.email, kind="password_reset_key")
    form_page = client.get(_path(link), follow=True)
    assert b"Choose a new password" in form_page.content
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else _path(link)
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # then
    assert done.status_code == 302
    assert done.url == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _login(client, user.email, PASSWORD).status_code == 200  # the old password is refused
    assert _login(client, user.email, NEW_PASSWORD).url == reverse("courses:dashboard")
    notice = outbox_latest(to=user.email, kind="password_reset")
    assert notice.subject == "[InnerWork] Your password was reset"


def test_a_used_password_reset_link_no_longer_works(client):
    # given
    user = VerifiedUserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = outbox_link(to=user.email, kind="password_reset_key")
    form_page = client.get(_path(link), follow=True)
    form_url = form_page.redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # when
    again = client.get(_path(link), follow=True)
    # then
    assert b"This link has expired" in again.content


def test_password_reset_for_an_unknown_address_reveals_nothing_on_the_page(client):
    # when
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True)
    # then
    assert b"Check your inbox" in response.content
    assert outbox_latest(to="nobody@example.com", kind="unknown_account").subject.startswith("[InnerWork] ")


def test_too_many_login_posts_get_the_friendly_429_page(client):
    # given: the login limit is 30 posts a minute per IP
    for _ in range(30):
        assert _login(client, "someone@example.com", "guess").status_code == 200
    # when
    response = _login(client, "someone@example.com", "guess")
    # then
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"site-header" in response.content


def test_repeated_wrong_passwords_lock_the_address_even_with_the_right_one(client):
    # given: five failures for one address within five minutes
    user = VerifiedUserFactory()
    for _ in range(5):
        _login(client, user.email, "guess")
    # when
    response = _login(client, user.email)
    # then
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content


@pytest.mark.parametrize(
    "url_name",
    ["account_profile", "account_email", "account_change_password", "mfa_index"],
)
def test_anonymous_visitors_are_sent_to_login_with_a_way_back(client, url_name):
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse(url_name)}"


def test_logout_asks_for_confirmation_on_get_and_logs_out_on_post(client):
    # given
    client.force_login(UserFactory())
    # when
    page = client.get(reverse("account_logout"))
    response = client.post(reverse("account_logout"))
    # then
    assert b"Log out?" in page.content
    assert response.status_code == 302
    assert client.get(reverse("account_profile")).status_code == 302


@pytest.mark.parametrize(
    ("url_name", "text"),
    [
        ("account_login", b"Welcome back"),
        ("account_signup", b"Create your account"),
        ("account_reset_password", b"Reset your password"),
        ("account_reset_password_done", b"Check your inbox"),
        ("account_email_verification_sent", b"Confirm your e-mail address"),
    ],
)
def test_allauth_entrance_pages_use_the_site_layout(client, url_name, text):
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 200
    assert text in response.content
    assert b'class="site-header"' in response.content
    assert b"auth-card" in response.content
    assert b"css/site.css" in response.content


@pytest.mark.parametrize(
    ("url_name", "text", "layout"),
    [
        ("account_email", b"Change your e-mail address", b"settings-layout"),
        ("account_change_password", b"Change Password", b"settings-layout"),
        ("account_reauthenticate", b"Confirm Access", b"auth-card"),
    ],
)
def test_allauth_pages_for_signed_in_users_use_the_site_layout_and_styled_elements(client, url_name, text, layout):
    # given
    client.force_login(VerifiedUserFactory())
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 200
    assert text in response.content
    assert b'class="site-header"' in response.content
    assert layout in response.content
    assert b'class="button' in response.content
    assert b"Menu:" not in response.content  # allauth's bare default layout


def test_staff_get_two_factor_settings_in_the_site_layout(client):
    # given
    client.force_login(VerifiedUserFactory(is_staff=True))
    # when
    response = client.get(reverse("mfa_index"))
    # then
    assert response.status_code == 200
    assert b"Two-Factor Authentication" in response.content
    assert b"settings-layout" in response.content
    assert b'class="panel"' in response.content


def test_changing_the_email_takes_effect_once_the_new_address_is_confirmed(client):
    # given
    user = VerifiedUserFactory(email="old@example.com")
    client.force_login(user)
    # when: the user asks for a new address
    response = client.post(reverse("account_email"), {"email": "new@example.com", "action_add": ""}, follow=True)
    # then: the old one still logs in until the new one is confirmed
    assert b"Waiting for confirmation" in response.content
    user.refresh_from_db()
    assert user.email == "old@example.com"
    # when: the link sent to the new address is opened and confirmed
    client.post(_path(outbox_link(to="new@example.com", kind="email_confirmation")))
    # then: the new address replaced the old one, and the old one was told
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.com", True, True)
    ]
    assert (
        outbox_latest(to="old@example.com", kind="email_changed").subject
        == "[InnerWork] Your e-mail address was changed"
    )
