"""Pages of a contract's sessions: the ledger and sessions, booking, moving, cancelling, marking, the .ics,
and cancelling the contract with its pro-rata quote.

Open to the contract's student and its coach; anyone else gets 404 (an anonymous visitor is sent to
log in first). Times are shown in the viewer's zone (innerwork.accounts.viewer_zone) and travel as UTC.
Each view parses the request, calls one service or selector and renders; a write redirects back to the
sessions page with a message (post/redirect/get).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.contract_end import contract_cancel, contract_cancel_quote
from coaching.ledger import contract_for_party, contract_ledger, session_for_party
from coaching.models import CoachingSession, Contract
from coaching.session_notifications import session_ics
from coaching.sessions import (
    SessionError,
    session_book,
    session_cancel,
    session_cancel_status,
    session_finish,
    session_party,
    session_reschedule,
)
from innerwork.accounts.viewer_zone import render_in_zone, viewer_zone
from innerwork.core.ratelimit import rate_limit
from innerwork.scheduling.selectors import slot_days
from innerwork.scheduling.services import SlotTaken
from innerwork.scheduling.slot_picking import PickedStartForm, picked_start_apply

SLOT_DAYS = 14
SESSION_BOOKED = "Your session is booked. We've e-mailed you both the details and a calendar invitation."
SESSION_MOVED = "The session was moved. We've sent you both the updated invitation."
SESSION_CANCELED = "The session was cancelled."
SESSION_MARKED = "Session marked {what}."
CONTRACT_CANCELED = "The contract was cancelled."


class SessionBookForm(PickedStartForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(CoachingSession.Status.COMPLETED, "Completed"), (CoachingSession.Status.NO_SHOW, "No-show")]
    )


def _contract(request, number: str) -> Contract:
    try:
        return contract_for_party(user=request.user, number=number)
    except Contract.DoesNotExist:
        raise Http404("No such contract") from None


def _session(request, number: str, pk: int) -> CoachingSession:
    try:
        return session_for_party(user=request.user, number=number, pk=pk)
    except (CoachingSession.DoesNotExist, Contract.DoesNotExist):
        raise Http404("No such session") from None


def _back(contract: Contract):
    return redirect("coaching:contract_sessions", number=contract.number)


def _is_student(request, contract: Contract) -> bool:
    return contract.student_id == request.user.pk


def sessions_context(*, contract: Contract, user, now=None) -> dict:
    """What templates/coaching/partials/contract_sessions.html needs (the contract page includes it too)."""
    now = now or timezone.now()
    ledger = contract_ledger(contract=contract)
    is_student = contract.student_id == user.pk
    active = contract.status == Contract.Status.ACTIVE
    upcoming = [e.session for e in ledger.entries if e.kind == "booked" and e.session.appointment.end_at > now]
    to_mark = [e.session for e in ledger.entries if e.kind == "booked" and e.session.appointment.end_at <= now]
    return {
        "contract": contract,
        "ledger": ledger,
        "is_student": is_student,
        "is_coach": contract.coach.user_id == user.pk,
        "upcoming": upcoming,
        "to_mark": to_mark,
        "can_book": is_student and active and ledger.credits.available > 0 and contract.ends_at > now,
        "can_cancel_contract": active,
        "now": now,
    }


@login_required
@require_GET
def contract_sessions(request, number: str):
    contract = _contract(request, number)
    return render_in_zone(
        request,
        viewer_zone(request),
        "coaching/session_list.html",
        sessions_context(contract=contract, user=request.user),
    )


def _book_page(request, contract: Contract, *, form, error="", alternatives=(), status=200):
    zone = viewer_zone(request)
    now = timezone.now()
    context = sessions_context(contract=contract, user=request.user, now=now)
    days = []
    if context["can_book"]:  # an active contract with credits left: its times must end by its end date
        days = [
            (day, [(slot, "") for slot in day.slots if slot.start + _length(contract) <= contract.ends_at])
            for day in slot_days(host=contract.coach.user_id, minutes=contract.session_minutes, zone=zone, now=now)
        ]
    context |= {
        "day_pairs": [(day, pairs) for day, pairs in days if pairs],
        "form": form,
        "error": error,
        "alternatives": alternatives,
        "slot_days": SLOT_DAYS,
    }
    return render_in_zone(request, zone, "coaching/session_book.html", context, status=status)


def _length(contract: Contract):
    return timedelta(minutes=contract.session_minutes)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def book(request, number: str):
    contract = _contract(request, number)
    if not _is_student(request, contract):
        raise Http404("Only the student books sessions")
    if request.method == "GET":
        return _book_page(request, contract, form=SessionBookForm(initial={"token": secrets.token_urlsafe(24)}))
    form = SessionBookForm(request.POST)
    if not form.is_valid():
        return _book_page(request, contract, form=form, error=next(iter(form.errors.values()))[0], status=400)
    try:
        session_book(
            contract=contract,
            student=request.user,
            start_at=form.cleaned_data["start"],
            request_key=form.cleaned_data["token"],
        )
    except SessionError as exc:
        return _book_page(request, contract, form=form, error=exc.message, status=400)
    except SlotTaken as taken:
        return _book_page(request, contract, form=form, error=str(taken), alternatives=taken.alternatives, status=409)
    messages.success(request, SESSION_BOOKED)
    return _back(contract)


@login_required
@require_GET
def ics(request, number: str, pk: int):
    session = _session(request, number, pk)
    method = "REQUEST" if session.status == CoachingSession.Status.SCHEDULED else "CANCEL"
    response = HttpResponse(session_ics(session=session, method=method), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.contract.number}-{session.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, number: str, pk: int):
    session = _session(request, number, pk)
    contract = session.contract
    zone = viewer_zone(request)
    error, alternatives = "", []
    if request.method == "POST":
        done, error, alternatives = picked_start_apply(
            request.POST, lambda start: session_reschedule(session=session, start_at=start, actor=request.user)
        )
        if done:
            messages.success(request, SESSION_MOVED)
            return _back(contract)
    days = slot_days(
        host=contract.coach.user_id,
        minutes=contract.session_minutes,
        zone=zone,
        now=timezone.now(),
        ignore_subject=session.appointment.subject,
    )
    context = {
        **sessions_context(contract=contract, user=request.user),
        "session": session,
        "day_pairs": [
            (day, pairs)
            for day in days
            if (
                pairs := [
                    (slot, "")
                    for slot in day.slots
                    if slot.start != session.appointment.start_at and slot.start + _length(contract) <= contract.ends_at
                ]
            )
        ],
        "error": error,
        "alternatives": alternatives,
        "slot_days": SLOT_DAYS,
    }
    return render_in_zone(request, zone, "coaching/session_reschedule.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, number: str, pk: int):
    session = _session(request, number, pk)
    contract = session.contract
    if request.method == "POST":
        try:
            session_cancel(session=session, actor=request.user)
        except SessionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, SESSION_CANCELED)
        return _back(contract)
    party = session_party(contract=contract, actor=request.user)
    context = {
        **sessions_context(contract=contract, user=request.user),
        "session": session,
        "outcome": session_cancel_status(session=session, party=party, now=timezone.now()),
        "can_cancel_session": session.status == CoachingSession.Status.SCHEDULED
        and session.appointment.start_at > timezone.now(),
    }
    return render_in_zone(request, viewer_zone(request), "coaching/session_cancel.html", context)


@login_required
@require_POST
def finish(request, number: str, pk: int):
    session = _session(request, number, pk)
    form = FinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose completed or no-show.")
        return _back(session.contract)
    no_show = form.cleaned_data["outcome"] == CoachingSession.Status.NO_SHOW
    try:
        session = session_finish(session=session, actor=request.user, no_show=no_show)
    except PermissionDenied:
        raise Http404("Only the coach marks sessions") from None
    except SessionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, SESSION_MARKED.format(what=session.get_status_display().lower()))
    return _back(session.contract)


@login_required
@require_http_methods(["GET", "POST"])
def cancel_contract(request, number: str):
    contract = _contract(request, number)
    party = session_party(contract=contract, actor=request.user)
    if request.method == "POST":
        try:
            contract, money = contract_cancel(contract=contract, party=party, actor=request.user)
        except SessionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{CONTRACT_CANCELED} {money}".strip())
        return _back(contract)
    context = {
        **sessions_context(contract=contract, user=request.user),
        "party": party,
        "quote": contract_cancel_quote(contract=contract, party=party),
    }
    return render_in_zone(request, viewer_zone(request), "coaching/contract_cancel.html", context)
