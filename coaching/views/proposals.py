"""The proposal pages: the coach sends one from a thread, revises or withdraws it; the student reads it and
accepts (→ the contract, waiting for payment, and straight on to Stripe's page to pay it) or declines. Looked up
with the viewer: anyone else gets 404.

Each action is a POST that calls one service from coaching.conversation and redirects with a message;
a refused action (no longer open, expired, not theirs) shows the service's own sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching import conversation
from coaching.conversation import ConversationError
from coaching.forms import ProposalForm
from coaching.models import Contract, Inquiry, Proposal
from coaching.selectors import (
    inquiry_for_viewer,
    proposal_contract,
    proposal_for_viewer,
    proposal_history,
    proposal_is_open,
)
from coaching.views.contracts import to_contract_payment
from commerce.views.checkout import HttpResponseSeeOther
from innerwork.core.ratelimit import rate_limit

PROPOSAL_SENT = "Your proposal is sent. We've e-mailed it to {student}."
PROPOSAL_REVISED = "Your revised proposal is sent; the earlier one can no longer be accepted."
PROPOSAL_WITHDRAWN = "Proposal withdrawn."
PROPOSAL_DECLINED = "You declined the proposal. You can keep talking with {coach} in the conversation."
NOT_REVISABLE = "This proposal is no longer open, so it can't be revised. Send a new one from the conversation."
PROPOSAL_ACCEPTED = "You accepted the proposal. Pay to activate your contract and start booking sessions."


def _own_proposal(request, number: str) -> Proposal:
    try:
        return proposal_for_viewer(user=request.user, number=number)
    except Proposal.DoesNotExist:
        raise Http404("No such proposal") from None


def contract_url(contract: Contract) -> str:
    """The contract's page (coaching.views.contracts); the proposal's page while that page is not installed."""
    try:
        return reverse("coaching:contract_detail", kwargs={"number": contract.number})
    except NoReverseMatch:
        return reverse("coaching:proposal_detail", kwargs={"number": contract.proposal.number})


def _save_terms(request, form: ProposalForm, send) -> Proposal | None:
    """Run `send(terms, expires_at)` for a valid form; put a refusal on the form and return None."""
    if not form.is_valid():
        return None
    try:
        return send(form.terms(), form.expires_at(timezone.now()))
    except ConversationError as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, pk: int):
    try:
        inquiry = inquiry_for_viewer(user=request.user, pk=pk)
    except Inquiry.DoesNotExist:
        raise Http404("No such conversation") from None
    if request.user.pk != inquiry.coach.user_id:
        raise Http404("Only the coach proposes")
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        proposal = _save_terms(
            request,
            form,
            lambda terms, expires_at: conversation.proposal_send(
                inquiry=inquiry, actor=request.user, terms=terms, expires_at=expires_at
            ),
        )
        if proposal is not None:
            messages.success(request, PROPOSAL_SENT.format(student=inquiry.student.get_full_name()))
            return redirect("coaching:proposal_detail", number=proposal.number)
    context = {"inquiry": inquiry, "form": form, "revising": None}
    return render(request, "coaching/proposal_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def proposal_detail(request, number: str):
    proposal = _own_proposal(request, number)
    now = timezone.now()
    context = {
        "proposal": proposal,
        "is_coach": request.user.pk == proposal.coach.user_id,
        "is_open": proposal_is_open(proposal=proposal, now=now),
        "is_late": proposal.status == Proposal.Status.SENT and proposal.expires_at <= now,
        "contract": proposal_contract(proposal=proposal),
        "history": proposal_history(proposal=proposal),
    }
    if context["contract"] is not None:
        context["contract_url"] = contract_url(context["contract"])
    return render(request, "coaching/proposal_detail.html", context)


@login_required
@require_POST
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def proposal_accept(request, number: str):
    """Accept the terms and go straight on to Stripe's page for them (a second click reaches the same page)."""
    proposal = _own_proposal(request, number)
    try:
        contract = conversation.proposal_accept(proposal=proposal, student=request.user)
    except ConversationError as exc:
        messages.error(request, exc.message)
        return redirect("coaching:proposal_detail", number=number)
    response = to_contract_payment(request, contract)
    if not isinstance(response, HttpResponseSeeOther):  # not on the way to Stripe: the page says what happened
        messages.success(request, PROPOSAL_ACCEPTED)
    return response


def _answer(request, number: str, *, apply, done: str):
    """POST an answer through `apply(proposal)`; back to the proposal with `done` or the service's refusal."""
    proposal = _own_proposal(request, number)
    try:
        apply(proposal)
    except ConversationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(coach=proposal.coach))
    return redirect("coaching:proposal_detail", number=number)


@login_required
@require_POST
def proposal_decline(request, number: str):
    return _answer(
        request,
        number,
        apply=lambda proposal: conversation.proposal_decline(proposal=proposal, student=request.user),
        done=PROPOSAL_DECLINED,
    )


@login_required
@require_POST
def proposal_withdraw(request, number: str):
    return _answer(
        request,
        number,
        apply=lambda proposal: conversation.proposal_withdraw(proposal=proposal, actor=request.user),
        done=PROPOSAL_WITHDRAWN,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_revise(request, number: str):
    proposal = _own_proposal(request, number)
    if request.user.pk != proposal.coach.user_id:
        raise Http404("Only the coach revises")
    if not proposal_is_open(proposal=proposal, now=timezone.now()):
        messages.error(request, NOT_REVISABLE)
        return redirect("coaching:proposal_detail", number=number)
    if request.method == "POST":
        form = ProposalForm(request.POST)
        revision = _save_terms(
            request,
            form,
            lambda terms, expires_at: conversation.proposal_revise(
                proposal=proposal, actor=request.user, terms=terms, expires_at=expires_at
            ),
        )
        if revision is not None:
            messages.success(request, PROPOSAL_REVISED)
            return redirect("coaching:proposal_detail", number=revision.number)
    else:
        form = ProposalForm.from_proposal(proposal)
    context = {"inquiry": proposal.inquiry, "form": form, "revising": proposal}
    return render(request, "coaching/proposal_form.html", context, status=400 if form.errors else 200)
