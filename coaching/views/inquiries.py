"""The conversation pages: asking a coach for a proposal, a thread (messages, proposals), the student's threads.

A thread is looked up with its viewer: anyone but its student and its coach gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from coaching import conversation
from coaching.conversation import ConversationError
from coaching.forms import InquiryForm, MessageForm, ProposalForm
from coaching.models import CoachProfile, Inquiry
from coaching.selectors import coach_listed, inquiries_of_student, inquiry_between, inquiry_for_viewer
from innerwork.core.ratelimit import rate_limit

MESSAGES_PER_MINUTE = 20
INQUIRY_SENT = "Your request is with {coach}. You'll get an e-mail when they answer."
MESSAGE_SENT = "Message sent."


def _own_inquiry(request, pk: int) -> Inquiry:
    try:
        return inquiry_for_viewer(user=request.user, pk=pk)
    except Inquiry.DoesNotExist:
        raise Http404("No such conversation") from None


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(scope="coaching_message", limit=MESSAGES_PER_MINUTE)
def inquiry_start(request, slug: str):
    try:
        coach = coach_listed(slug=slug)
    except CoachProfile.DoesNotExist:
        raise Http404("No such coach") from None
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = conversation.inquiry_start(coach=coach, student=request.user, goals=form.cleaned_data["goals"])
        except ConversationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, INQUIRY_SENT.format(coach=coach))
            return redirect("coaching:inquiry_detail", pk=inquiry.pk)
    context = {"coach": coach, "form": form, "inquiry": inquiry_between(coach=coach, student=request.user)}
    return render(request, "coaching/inquiry_start.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(scope="coaching_message", limit=MESSAGES_PER_MINUTE)
def inquiry_detail(request, pk: int):
    inquiry = _own_inquiry(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation.message_post(inquiry=inquiry, author=request.user, body=form.cleaned_data["body"])
        except ConversationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, MESSAGE_SENT)
            return redirect(f"{request.path}#latest")
    is_coach = request.user.pk == inquiry.coach.user_id
    proposals = list(inquiry.proposals.all())
    open_proposal = next((proposal for proposal in proposals if proposal.status == "sent"), None)
    context = {
        "inquiry": inquiry,
        "thread_messages": list(inquiry.messages.all()),
        "proposals": proposals,
        "open_proposal": open_proposal,
        "is_coach": is_coach,
        "form": form,
        "proposal_form": ProposalForm() if is_coach and open_proposal is None else None,
        "now": timezone.now(),
    }
    return render(request, "coaching/inquiry_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def inquiry_list(request):
    return render(request, "coaching/inquiry_list.html", {"inquiries": inquiries_of_student(student=request.user)})
