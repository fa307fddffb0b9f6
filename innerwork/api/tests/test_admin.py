"""Partners and keys in the staff console: a key is shown once, revoked with a reason, both audited."""

import re

import pytest
from django.urls import reverse

from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.api.models import ApiKey
from innerwork.api.tests.conftest import client_with
from innerwork.api.tests.factories import key_for
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:api_apikey_add")
CHANGELIST = reverse("admin:api_apikey_changelist")
CONFIG_URL = reverse("api:config")


@pytest.mark.parametrize(
    ("role", "sees_keys", "may_add", "offered_revoke"),
    [
        ("Support", True, False, False),
        ("Finance", True, False, False),
        ("Marketing", False, False, False),
        ("Admin", True, True, True),
    ],
)
def test_roles_table(partner, role, sees_keys, may_add, offered_revoke):
    key_for(partner)
    client = client_for(staff_in(role))

    listing = client.get(CHANGELIST)

    assert (listing.status_code == 200) is sees_keys
    assert (client.get(ADD_URL).status_code == 200) is may_add
    assert ("revoke_selected" in listing.content.decode()) is offered_revoke


def test_admin_creates_a_key_shown_once_that_works_then_revokes_it_with_a_reason(partner):
    admin_user = staff_in("Admin")
    client = client_for(admin_user)

    # when the admin adds a key with two scopes
    page = client.post(ADD_URL, {"partner": partner.pk, "name": "portal", "scopes": ["catalogue:read", "orders:read"]})

    # then the page shows the key, which is stored only as a hash and audited
    assert page.status_code == 200, page.content
    raw = re.search(r"iw_test_[A-Za-z0-9]{40}", page.content.decode()).group()
    api_key = ApiKey.objects.get()
    assert api_key.scopes == ["catalogue:read", "orders:read"]
    assert raw not in client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).content.decode()
    assert client_with(raw).get(CONFIG_URL).status_code == 200

    # when it is revoked from the list with a reason
    done = client.post(
        CHANGELIST,
        {"action": "revoke_selected", "_selected_action": [api_key.pk], "apply": "1", "reason": "partner left"},
    )

    # then the key is refused and both steps are in the audit log
    assert done.status_code == 302
    assert client_with(raw).get(CONFIG_URL).json()["error"]["code"] == "api_key_revoked"
    assert list(StaffAction.objects.order_by("id").values_list("action", "reason", "actor")) == [
        ("api_key.create", "", admin_user.pk),
        ("api_key.revoke", "partner left", admin_user.pk),
    ]


def test_revoking_needs_a_reason(partner):
    key_for(partner)
    client = client_for(staff_in("Admin"))

    client.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [ApiKey.objects.get().pk], "apply": "1"})

    assert ApiKey.objects.get().revoked_at is None
