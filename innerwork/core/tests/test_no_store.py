"""Pages that show money or status carry `Cache-Control: no-store`; public catalogue pages do not
(innerwork.core.no_store)."""

import pytest
from django.urls import reverse

from coaching.tests.factories import accepted_contract
from commerce.tests.factories import RefundRequestFactory, paid_order
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory()


@pytest.fixture
def order(buyer):
    return paid_order(user=buyer)


PRIVATE_PAGES = [
    ("commerce:cart", lambda order: {}),
    ("commerce:wishlist", lambda order: {}),
    ("commerce:order_list", lambda order: {}),
    ("commerce:order_detail", lambda order: {"number": order.number}),
    ("commerce:order_success", lambda order: {"number": order.number}),
    ("commerce:order_cancel", lambda order: {"number": order.number}),
    ("commerce:order_refund", lambda order: {"number": order.number}),
    ("commerce:billing", lambda order: {}),
    ("courses:dashboard", lambda order: {}),
    ("mentorship:session_list", lambda order: {}),
    ("coaching:contract_list", lambda order: {}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), PRIVATE_PAGES)
def test_money_and_status_page_is_never_stored_by_the_browser(client, buyer, order, url_name, kwargs):
    # given the buyer, signed in
    client.force_login(buyer)

    # when
    response = client.get(reverse(url_name, kwargs=kwargs(order)))

    # then
    assert response.status_code < 400
    assert "no-store" in response["Cache-Control"]


def test_refund_request_page_is_never_stored_by_the_browser(client):
    # given a customer's refund request
    request = RefundRequestFactory(order=paid_order())
    client.force_login(request.user)

    # when
    response = client.get(
        reverse("commerce:refund_request_detail", kwargs={"number": request.order.number, "pk": request.pk})
    )

    # then
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("courses:catalogue", {}),
        ("courses:detail", {"slug": "calm"}),
        ("mentorship:mentor_list", {}),
        ("coaching:coach_list", {}),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_public_catalogue_page_keeps_its_normal_caching(client, url_name, kwargs, signed_in):
    # given a published course, and a visitor or a customer
    CourseFactory(slug="calm")
    if signed_in:
        client.force_login(UserFactory())

    # when
    response = client.get(reverse(url_name, kwargs=kwargs))

    # then
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_coaching_contract_page_is_never_stored_by_the_browser(client):
    # given a contract waiting for payment, seen by its student
    contract = accepted_contract()
    client.force_login(contract.student)

    # when
    response = client.get(reverse("coaching:contract_detail", kwargs={"number": contract.number}))

    # then
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
