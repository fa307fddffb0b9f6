"""Sign-up asks for a name (optional); the site greets people by it, or by the e-mail's local part without one."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from innerwork.accounts.models import User
from innerwork.accounts.tests.factories import PASSWORD
from innerwork.core.tests.outbox import outbox_latest, outbox_link

pytestmark = pytest.mark.django_db

EMAIL = "ada.lovelace@example.com"


def _signup(client, full_name: str | None):
    data = {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD}
    if full_name is not None:
        data["full_name"] = full_name
    return client.post(reverse("account_signup"), data)


def test_the_signup_page_asks_for_an_optional_name_first(client):
    response = client.get(reverse("account_signup"))

    form = response.context["form"]
    assert list(form.fields)[:2] == ["full_name", "email"]
    assert form.fields["full_name"].required is False
    assertContains(response, 'name="full_name"')
    assertContains(response, 'autocomplete="name"')


@pytest.mark.parametrize(
    ("typed", "stored", "welcome", "email_greeting"),
    [
        ("Ada Lovelace", "Ada Lovelace", "Welcome back, Ada", "Hi Ada,"),
        ("  Ada  ", "Ada", "Welcome back, Ada", "Hi Ada,"),
        ("", "", "Welcome back, ada.lovelace", "Hi there,"),
        (None, "", "Welcome back, ada.lovelace", "Hi there,"),
    ],
)
def test_the_name_given_at_signup_is_how_the_site_greets(client, typed, stored, welcome, email_greeting):
    # when someone signs up, with or without a name, and confirms their address
    response = _signup(client, typed)
    assert response.status_code == 302
    confirmation = outbox_latest(to=EMAIL, kind="email_confirmation_signup")
    client.post(urlparse(outbox_link(to=EMAIL, kind="email_confirmation_signup")).path)
    # then the name is stored as given (trimmed), and both the e-mail and their home page greet them by it
    assert User.objects.get(email=EMAIL).full_name == stored
    assert confirmation.body_text.startswith(email_greeting)
    assertContains(client.get(reverse("courses:dashboard")), welcome)


def test_a_name_longer_than_the_profile_allows_is_refused_with_the_form_kept(client):
    response = _signup(client, "A" * 151)

    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email=EMAIL).exists()
