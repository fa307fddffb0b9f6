"""Partner customers: create or link, list with cursor pagination, retrieve; another partner's are 404."""

import pytest
from django.urls import reverse

from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.models import PartnerCustomer
from innerwork.api.pagination import UNKNOWN_CURSOR
from innerwork.api.services import EMAIL_TAKEN, EXTERNAL_ID_TAKEN
from innerwork.api.tests.conftest import client_with
from innerwork.api.tests.factories import PartnerFactory, key_for

pytestmark = pytest.mark.django_db

URL = reverse("api:customers")


def _create(client, key="k", **body):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _detail(customer_id):
    return reverse("api:customer-detail", kwargs={"customer_id": customer_id})


def test_a_new_email_gets_a_new_account_owned_by_the_partner(api):
    response = _create(api, email="Ada@Example.com", external_id="u-1", name="Ada L", time_zone="Asia/Kolkata")

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "object": "customer",
        "external_id": "u-1",
        "email": "ada@example.com",
        "name": "Ada L",
        "time_zone": "Asia/Kolkata",
        "linked_existing_account": False,
        "created_at": body["created_at"],
    }
    assert body["id"].startswith("cus_")
    assert body["created_at"].endswith("Z")
    user = PartnerCustomer.objects.get().user
    assert not user.has_usable_password()


def test_an_existing_account_is_linked_as_it_is(api):
    # given a person who already has an InnerWork account
    UserFactory(email="ben@example.com", full_name="Ben Ito", time_zone="Asia/Tokyo")

    # when a partner creates them with another name and zone
    body = _create(api, email="ben@example.com", external_id="b", name="B.", time_zone="UTC").json()

    # then their account is linked, unchanged
    assert (body["linked_existing_account"], body["name"], body["time_zone"]) == (True, "Ben Ito", "Asia/Tokyo")


@pytest.mark.parametrize(
    ("second", "status", "param", "message"),
    [
        ({"email": "ada@example.com", "external_id": "u-1"}, 200, None, None),
        ({"email": "ADA@example.com", "external_id": "u-1", "name": "Other"}, 200, None, None),
        ({"email": "other@example.com", "external_id": "u-1"}, 409, "external_id", EXTERNAL_ID_TAKEN),
        ({"email": "ada@example.com", "external_id": "u-2"}, 409, "email", EMAIL_TAKEN),
        ({"email": "ada@example.com", "external_id": ""}, 400, "external_id", None),
        ({"email": "ada@example.com", "external_id": "u-1", "time_zone": "Mars/Olympus"}, 400, "time_zone", None),
    ],
)
def test_creating_again_table(api, second, status, param, message):
    # given a customer
    first = _create(api, key="first", email="ada@example.com", external_id="u-1", name="Ada")

    # when the partner sends another create
    response = _create(api, key="second", **second)

    # then
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == first.json()
    else:
        assert response.json()["error"]["param"] == param
    if message:
        assert response.json()["error"]["message"] == message.format(external_id="u-1")
    assert PartnerCustomer.objects.count() == 1


def test_two_partners_link_the_same_person_each_under_its_own_id():
    one, two = client_with(key_for(PartnerFactory())), client_with(key_for(PartnerFactory()))

    first = _create(one, email="ada@example.com", external_id="x").json()
    second = _create(two, email="ada@example.com", external_id="x").json()

    assert first["id"] != second["id"]
    assert (first["linked_existing_account"], second["linked_existing_account"]) == (False, True)


@pytest.mark.parametrize("action", ["retrieve", "list", "list by email", "cursor"])
def test_another_partners_customer_is_invisible(api, action):
    # given a customer of another partner
    other = client_with(key_for(PartnerFactory()))
    theirs = _create(other, email="ada@example.com", external_id="u-1").json()["id"]

    # when this partner looks for it
    response = {
        "retrieve": lambda: api.get(_detail(theirs)),
        "list": lambda: api.get(URL),
        "list by email": lambda: api.get(URL, {"email": "ada@example.com"}),
        "cursor": lambda: api.get(URL, {"starting_after": theirs}),
    }[action]()

    # then it does not exist for them
    if action == "retrieve":
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "resource_missing"
    elif action == "cursor":
        assert response.status_code == 400
        assert response.json()["error"]["message"] == UNKNOWN_CURSOR
    else:
        assert response.json() == {"object": "list", "data": [], "has_more": False}
    # and the owner still sees it
    assert other.get(_detail(theirs)).status_code == 200


def test_list_pages_with_limit_and_starting_after_newest_first(api):
    # given 5 customers
    ids = [_create(api, key=f"k{n}", email=f"p{n}@example.com", external_id=f"u{n}").json()["id"] for n in range(5)]

    # when paging 2 at a time
    pages, after = [], None
    while True:
        params = {"limit": 2} | ({"starting_after": after} if after else {})
        page = api.get(URL, params).json()
        pages.append(([item["id"] for item in page["data"]], page["has_more"]))
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]

    # then every customer comes once, newest first
    newest_first = ids[::-1]
    assert pages == [(newest_first[:2], True), (newest_first[2:4], True), (newest_first[4:], False)]


@pytest.mark.parametrize(
    ("params", "param"), [({"limit": "101"}, "limit"), ({"limit": "x"}, "limit"), ({"email": "x"}, "email")]
)
def test_bad_list_parameters_are_400s_naming_them(api, params, param):
    response = api.get(URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_filter_by_external_id(api):
    _create(api, key="a", email="a@example.com", external_id="a")
    _create(api, key="b", email="b@example.com", external_id="b")

    data = api.get(URL, {"external_id": "b"}).json()["data"]

    assert [item["email"] for item in data] == ["b@example.com"]
