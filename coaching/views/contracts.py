"""Contract pages: "My coaching", a contract's page (its student and its coach), paying, and Stripe's two returns.

Each view parses the request, calls one service or selector and renders. A contract is looked up with
its viewer, so anyone but its student and its coach gets a 404; paying and the returns from Stripe are
the student's alone (a 404 for the coach too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coaching.contract_selectors import contract_for_viewer, contracts_of_student
from coaching.contracts import ContractError, contract_fulfil_from_return, contract_pay
from coaching.credits import contract_credits
from coaching.models import CONTRACT_KIND, Contract
from coaching.views.sessions import sessions_context
from commerce.checkout import order_checkout
from commerce.exceptions import CheckoutError, CouponError, NotPurchasable, PaymentProviderError
from commerce.models import Order
from commerce.orders import item_payment_declined
from commerce.views.checkout import HttpResponseSeeOther
from innerwork.accounts.viewer_zone import viewer_zone
from innerwork.core.ratelimit import rate_limit

TERMS_ACCEPTED = "Terms accepted."
PAYMENT_CONFIRMING = "Thanks! We're confirming your payment with Stripe; this page updates as soon as it's through."


@dataclass(frozen=True)
class TimelineItem:
    """An entry of the contract page's timeline that is not a ContractEvent (the terms being accepted)."""

    type: str
    message: str
    created_at: datetime


def _contract_of_viewer(request, number: str) -> Contract:
    try:
        return contract_for_viewer(user=request.user, number=number)
    except Contract.DoesNotExist:
        raise Http404("No such contract") from None


def _contract_of_student(request, number: str) -> Contract:
    contract = _contract_of_viewer(request, number)
    if contract.student_id != request.user.pk:
        raise Http404("No such contract")
    return contract


def _render(request, template: str, context: dict):
    """Render with dates in the viewer's zone (picked on a sessions page, else their account's, else UTC)."""
    zone = viewer_zone(request)
    with timezone.override(zone):
        return render(request, template, {**context, "zone": zone.key.replace("_", " ")})


def _support_email() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _page_context(request, contract: Contract) -> dict:
    is_student = contract.student_id == request.user.pk
    return {
        "contract": contract,
        "is_student": is_student,
        "other": contract.coach if is_student else contract.student.get_full_name() or contract.student.email,
        "can_pay": is_student and contract.status == Contract.Status.PENDING_PAYMENT,
        "credits": contract_credits(contract=contract),
        "support_email": _support_email(),
    }


@login_required
@require_GET
def contract_list(request):
    return _render(request, "coaching/contract_list.html", {"contracts": contracts_of_student(user=request.user)})


@login_required
@require_GET
def contract_detail(request, number: str):
    contract = _contract_of_viewer(request, number)
    accepted = TimelineItem(type="accepted", message=TERMS_ACCEPTED, created_at=contract.accepted_at)
    context = {
        **sessions_context(contract=contract, user=request.user),
        **_page_context(request, contract),
        "events": [accepted, *contract.events.all()],
    }
    return _render(request, "coaching/contract_detail.html", context)


@login_required
@require_POST
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def contract_pay_view(request, number: str):
    """Send the student to Stripe's page for the contract's order (one order and one page, however many tabs)."""
    return to_contract_payment(request, _contract_of_student(request, number))


def to_contract_payment(request, contract: Contract):
    """303 to Stripe's page for the student's `contract`, or back to its page saying why not (paid, refused).

    The answer of every "pay" button of a contract: its own page's, and accepting a proposal's.
    """
    try:
        order = contract_pay(contract=contract, user=request.user)
    except Contract.DoesNotExist:
        raise Http404("No such contract") from None
    except (ContractError, NotPurchasable, CheckoutError) as exc:
        messages.error(request, exc.message)
        return redirect("coaching:contract_detail", number=contract.number)
    paid = request.build_absolute_uri(reverse("coaching:contract_paid", kwargs={"number": contract.number}))
    canceled = reverse("coaching:contract_payment_canceled", kwargs={"number": contract.number})
    try:
        # Stripe fills in {CHECKOUT_SESSION_ID}; it must reach Stripe unescaped.
        start = order_checkout(
            order=order,
            success_url=f"{paid}?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=request.build_absolute_uri(canceled),
        )
    except (CheckoutError, CouponError, NotPurchasable) as exc:
        messages.error(request, exc.message)
        return redirect("coaching:contract_detail", number=contract.number)
    except PaymentProviderError as exc:
        context = {"order": order, "message": exc.message}
        return render(request, "commerce/checkout_unavailable.html", context, status=503)
    if not start.at_stripe:  # paid meanwhile (another tab): the contract's page says so
        return redirect("coaching:contract_detail", number=contract.number)
    return HttpResponseSeeOther(start.url)


@login_required
@require_GET
def contract_paid(request, number: str):
    """Back from Stripe: activate now if the payment went through (the webhook may not have come), then next steps."""
    contract = _contract_of_student(request, number)
    session_id = request.GET.get("session_id", "")
    if session_id:
        try:
            contract = contract_fulfil_from_return(contract=contract, session_id=session_id)
        except Order.DoesNotExist:
            raise Http404("No such payment for this contract") from None
        except PaymentProviderError:
            pass  # the webhook will activate it; the page says we are confirming
    if contract.status == Contract.Status.PENDING_PAYMENT:
        messages.info(request, PAYMENT_CONFIRMING)
        return redirect("coaching:contract_detail", number=contract.number)
    if contract.status != Contract.Status.ACTIVE:
        return redirect("coaching:contract_detail", number=contract.number)
    return _render(request, "coaching/contract_paid.html", _page_context(request, contract))


@login_required
@require_GET
def contract_payment_canceled(request, number: str):
    """The student left Stripe's page unpaid: nothing was charged, the contract still waits, try again or ask us.

    After a declined card the page says so, with Stripe's reason, instead of listing what may have happened.
    """
    contract = _contract_of_student(request, number)
    if contract.status != Contract.Status.PENDING_PAYMENT:
        return redirect("coaching:contract_detail", number=contract.number)
    context = _page_context(request, contract)
    context["declined"] = item_payment_declined(user=request.user, kind=CONTRACT_KIND, ref=str(contract.pk))
    return _render(request, "coaching/contract_payment_canceled.html", context)
