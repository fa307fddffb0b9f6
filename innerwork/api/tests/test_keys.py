"""API keys: made once and stored hashed, recognised by `Authorization: Bearer`, refused with a reason."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from innerwork.accounts.tests.factories import StaffFactory
from innerwork.api.keys import ALREADY_REVOKED, UNKNOWN_SCOPES, api_key_create, api_key_revoke
from innerwork.api.models import ApiKey
from innerwork.api.tests.conftest import client_with
from innerwork.api.tests.factories import PartnerFactory, key_for
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

CONFIG_URL = reverse("api:config")


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(partner):
    # when staff make a key
    new = api_key_create(partner=partner, name="portal", scopes=["orders:read", "catalogue:read"])

    # then its secret is iw_test_ + 40 characters, stored only as a SHA-256, with a visible prefix
    stored = ApiKey.objects.get()
    assert new.raw.startswith("iw_test_")
    assert len(new.raw) == 48
    assert stored.secret_hash == hashlib.sha256(new.raw.encode()).hexdigest()
    assert new.raw not in str(ApiKey.objects.values().get())
    assert stored.prefix == new.raw[:16]
    assert stored.mode == "test"
    assert stored.scopes == ["catalogue:read", "orders:read"]  # in the documented order


@override_settings(STRIPE_LIVE_MODE=True)
def test_a_live_deployment_makes_live_keys(partner):
    assert api_key_create(partner=partner, name="prod", scopes=["catalogue:read"]).raw.startswith("iw_live_")


@pytest.mark.parametrize(("scopes", "message"), [(["catalogue:read", "admin:all"], UNKNOWN_SCOPES), ([], None)])
def test_unknown_or_no_scopes_are_refused(partner, scopes, message):
    with pytest.raises(ValidationError):
        api_key_create(partner=partner, name="x", scopes=scopes)


def _mode_key(mode: str) -> str:
    with override_settings(STRIPE_LIVE_MODE=mode == "live"):
        return key_for(PartnerFactory())


@pytest.mark.parametrize(
    ("case", "live_deployment", "status", "code"),
    [
        ("valid test key", False, 200, None),
        ("valid live key", True, 200, None),
        ("no header", False, 401, "api_key_missing"),
        ("basic scheme", False, 401, "api_key_invalid"),
        ("bearer without key", False, 401, "api_key_invalid"),
        ("not an InnerWork key", False, 401, "api_key_invalid"),
        ("unknown test key", False, 401, "api_key_invalid"),
        ("truncated key", False, 401, "api_key_invalid"),
        ("revoked key", False, 401, "api_key_revoked"),
        ("test key on live deployment", True, 401, "api_key_wrong_mode"),
        ("live key on test deployment", False, 401, "api_key_wrong_mode"),
        ("partner switched off", False, 401, "partner_inactive"),
    ],
)
def test_authentication_table(case, live_deployment, status, code):
    # given the Authorization header the case describes
    test_key = _mode_key("test")
    live_key = _mode_key("live")
    header = {
        "valid test key": f"Bearer {test_key}",
        "valid live key": f"Bearer {live_key}",
        "no header": None,
        "basic scheme": "Basic dXNlcjpwYXNz",
        "bearer without key": "Bearer",
        "not an InnerWork key": "Bearer sk_test_123",
        "unknown test key": "Bearer iw_test_" + "x" * 40,
        "truncated key": f"Bearer {test_key[:-1]}",
        "revoked key": f"Bearer {test_key}",
        "test key on live deployment": f"Bearer {test_key}",
        "live key on test deployment": f"Bearer {live_key}",
        "partner switched off": f"Bearer {test_key}",
    }[case]
    if case == "revoked key":
        api_key_revoke(api_key=ApiKey.objects.get(mode="test"), actor=StaffFactory())
    if case == "partner switched off":
        ApiKey.objects.get(mode="test").partner.__class__.objects.update(is_active=False)
    client = client_with(None)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    # when it calls the API
    with override_settings(STRIPE_LIVE_MODE=live_deployment):
        response = client.get(CONFIG_URL)

    # then
    assert response.status_code == status, response.content
    if code:
        assert response.json()["error"]["type"] == "authentication_error"
        assert response.json()["error"]["code"] == code
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_wrong_mode_error_says_which_keys_this_deployment_takes():
    live_key = _mode_key("live")

    error = client_with(live_key).get(CONFIG_URL).json()["error"]

    assert "live key (iw_live_…)" in error["message"]
    assert "only iw_test_… keys" in error["message"]


def test_last_use_is_recorded(partner):
    raw = key_for(partner)
    assert ApiKey.objects.get().last_used_at is None

    client_with(raw).get(CONFIG_URL)

    assert ApiKey.objects.get().last_used_at is not None


def test_revoking_is_audited_and_cannot_happen_twice(partner):
    # given a key
    staff = StaffFactory()
    api_key_create(partner=partner, name="portal", scopes=["catalogue:read"])
    api_key = ApiKey.objects.get()

    # when staff revoke it twice
    api_key_revoke(api_key=api_key, actor=staff, reason="leaked in a screenshot")
    with pytest.raises(ValidationError) as refused:
        api_key_revoke(api_key=api_key, actor=staff, reason="again")

    # then it is revoked once, with the reason in the audit log
    assert refused.value.messages == [ALREADY_REVOKED]
    action = StaffAction.objects.get()
    assert (action.action, action.reason, action.actor) == ("api_key.revoke", "leaked in a screenshot", staff)


def test_the_command_makes_a_working_key_printed_once(capsys):
    from django.core.management import call_command

    call_command("api_key_create", "--partner", "Portal", "--email", "ops@portal.example", "--scopes", "orders:read")

    raw = capsys.readouterr().out.strip()
    assert ApiKey.objects.get().scopes == ["orders:read"]
    assert client_with(raw).get(CONFIG_URL).status_code == 200
