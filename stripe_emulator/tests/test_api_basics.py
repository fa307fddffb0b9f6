"""Authentication, routing, parameters and error shapes: the gates every request passes, as on Stripe."""

import json
import urllib.error
import urllib.request

import pytest
import stripe

from stripe_emulator import errors


def raw(emulator, method, path, *, key="sk_test_x", body=None, headers=None):
    request = urllib.request.Request(emulator.url + path, data=body, method=method, headers=headers or {})
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_a_request_without_api_key_is_401_with_stripes_message(emulator):
    # when
    status, _headers, body = raw(emulator, "GET", "/v1/customers", key=None)

    # then
    assert status == 401
    assert body["error"]["message"] == errors.MISSING_API_KEY
    assert body["error"]["type"] == "invalid_request_error"


def test_a_live_key_is_refused_and_masked_in_the_message(emulator):
    with pytest.raises(stripe.AuthenticationError) as caught:
        stripe.Customer.list(api_key="sk_live_51Habcdefgh1234")

    assert caught.value.http_status == 401
    assert "sk_live_" in caught.value.user_message
    assert "abcdefgh" not in caught.value.user_message


def test_any_test_key_is_accepted_with_bearer_or_basic_auth(emulator):
    # given
    basic = "Basic " + __import__("base64").b64encode(b"sk_test_someone_else:").decode()

    # when
    bearer_status, _, _ = raw(emulator, "GET", "/v1/customers", key="sk_test_anything")
    basic_status, _, _ = raw(emulator, "GET", "/v1/customers", key=None, headers={"Authorization": basic})

    # then
    assert bearer_status == basic_status == 200


def test_unknown_url_is_404_unrecognized_request_url(emulator):
    status, _, body = raw(emulator, "GET", "/v1/teleporters")

    assert status == 404
    assert body["error"]["message"].startswith("Unrecognized request URL (GET: /v1/teleporters)")


def test_responses_carry_request_id_and_echo_stripe_version(emulator):
    status, headers, _ = raw(emulator, "GET", "/v1/account", headers={"Stripe-Version": "2024-06-20"})

    assert status == 200
    assert headers["Request-Id"].startswith("req_")
    assert headers["Stripe-Version"] == "2024-06-20"


def test_unknown_parameter_is_400_parameter_unknown_naming_the_parameter(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.create(email="a@example.com", favourite_colour="teal")

    error = caught.value
    assert error.http_status == 400
    assert error.code == "parameter_unknown"
    assert error.param == "favourite_colour"
    assert error.user_message == "Received unknown parameter: favourite_colour"


def test_nested_unknown_parameter_names_its_full_path(emulator):
    price = stripe.Price.create(product_data={"name": "Course"}, currency="usd", unit_amount=100)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.checkout.Session.create(
            mode="payment", line_items=[{"price": price.id, "quantity": 1, "colour": "red"}], success_url="https://a.b/"
        )

    assert caught.value.param == "line_items[0][colour]"


def test_a_stripe_parameter_the_emulator_does_not_implement_is_refused_loudly(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.create(email="a@example.com", tax={"ip_address": "127.0.0.1"})

    assert caught.value.param == "tax"
    assert "does not implement" in caught.value.user_message


def test_wrong_types_are_rejected_like_stripe(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Price.create(product_data={"name": "Course"}, currency="usd", unit_amount="twelve")

    assert caught.value.code == "parameter_invalid_integer"
    assert caught.value.param == "unit_amount"


def test_missing_required_parameter_is_400_parameter_missing(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Product.create(description="no name")

    assert caught.value.code == "parameter_missing"
    assert caught.value.param == "name"


def test_missing_object_is_404_resource_missing_with_stripes_shape(emulator):
    # when
    status, _, body = raw(emulator, "GET", "/v1/customers/cus_nope")

    # then
    assert status == 404
    assert body["error"] == {
        "code": "resource_missing",
        "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
        "message": "No such customer: 'cus_nope'",
        "param": "id",
        "request_log_url": body["error"]["request_log_url"],
        "type": "invalid_request_error",
    }


def test_account_is_the_same_for_every_key_and_survives_reset(emulator):
    first = stripe.Account.retrieve()

    emulator.reset()

    assert stripe.Account.retrieve().id == first.id == stripe.Account.retrieve(first.id).id
    assert first.settings.dashboard.display_name
