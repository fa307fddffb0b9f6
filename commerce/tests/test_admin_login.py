"""Staff reach the admin through allauth's login, and with DEBUG off only with two-factor authentication set up."""

from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.urls import reverse

from commerce.tests.admin_fixtures import staff_roles_ensure
from innerwork.accounts.staff_security import MFA_REQUIRED
from innerwork.accounts.tests.factories import PASSWORD, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
ORDERS = reverse("admin:commerce_order_changelist")
LOGIN = reverse("account_login")


@pytest.fixture
def production(settings):
    """What a deployment with DEBUG off sees (settings.STAFF_MFA_REQUIRED is `not DEBUG` at start-up)."""
    settings.DEBUG = False
    settings.STAFF_MFA_REQUIRED = True
    return settings


def finance_member(**kwargs):
    staff_roles_ensure()
    user = VerifiedUserFactory(is_staff=True, email="fin@innerwork.test", **kwargs)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_the_admin_login_page_sends_people_to_allauths_login_keeping_next(client):
    response = client.get(reverse("admin:login"), {"next": ORDERS})
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={quote(ORDERS, safe='')}"


def test_an_anonymous_visit_to_the_admin_ends_on_allauths_login(client):
    response = client.get(ORDERS, follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next={quote(ORDERS, safe='')}"
    assert response.status_code == 200


def test_a_foreign_next_is_replaced_by_the_admin(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/admin/"})
    assert response.url == f"{LOGIN}?next={quote(ADMIN, safe='')}"


def test_without_debug_staff_without_totp_are_sent_to_set_it_up(client, production):
    client.force_login(finance_member())
    for url in (ADMIN, ORDERS, reverse("admin:commerce_order_sales")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp")
    # allauth asks for the password again before showing the set-up page (force_login skipped it)
    page = client.get(ADMIN, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert MFA_REQUIRED in page.content.decode()


def test_without_debug_staff_with_totp_reach_the_admin(client, production):
    user = finance_member()
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    assert client.get(ORDERS).status_code == 200


def test_with_debug_on_staff_reach_the_admin_without_totp(client, settings):
    settings.DEBUG = True
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(finance_member())
    assert client.get(ORDERS).status_code == 200


def test_customers_pages_are_not_affected(client, production):
    client.force_login(UserFactory())
    assert client.get(reverse("commerce:order_list")).status_code == 200


def test_staff_log_in_through_allauth_with_their_code_and_land_on_the_admin_page_they_asked_for(client, production):
    user = finance_member()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    start = client.get(ORDERS, follow=True)
    login_url = start.redirect_chain[-1][0]
    password_step = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert password_step.status_code == 302
    assert password_step.url == reverse("mfa_authenticate")
    assert client.get(ORDERS).status_code == 302  # not signed in until the code is given

    code_step = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert code_step.status_code == 302
    assert code_step.url == ORDERS
    assert client.get(ORDERS).status_code == 200
