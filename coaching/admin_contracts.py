"""Contracts in the staff console: a read-only record (like the order and booking consoles) and one action.

The list filters by status, coach and the day a contract was paid; a contract's page shows its frozen
terms, its credits and sessions, the thread's messages, every payment made for it (the one kept and any
refused), its refunds and one timeline (the contract's events and what staff did). The one thing staff
do to a contract, cancelling it with a refund of its unused sessions, is an action that asks for a
reason and goes through coaching.contract_end.contract_cancel (permission `coaching.cancel_contract`,
audited). Imported at the end of coaching/admin.py.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from coaching.contract_end import contract_cancel
from coaching.credits import contract_credits
from coaching.models import CANCEL_PERMISSION, CONTRACT_KIND, Contract, Message
from coaching.sessions import SessionError
from commerce.models import Refund
from commerce.orders import order_lines_for_item
from innerwork.core.admin_actions import ReasonActionMixin
from innerwork.core.admin_filters import FormListFilter, local_day_start, parse_date
from innerwork.core.admin_tools import RecordAdmin, status_badge_html
from innerwork.core.models import StaffAction
from innerwork.core.money import format_money

CONTRACT_STATUS_TONES = {
    Contract.Status.PENDING_PAYMENT: "warning",
    Contract.Status.ACTIVE: "success",
    Contract.Status.COMPLETED: "success",
    Contract.Status.CANCELED: "neutral",
    Contract.Status.REFUNDED: "info",
}
STAFF_NOTHING_BACK = "cancelled; nothing was left to refund."
NOTHING = format_html('<span class="quiet">{}</span>', "None")


def _table(headers: tuple[str, ...], rows) -> str:
    """A plain admin table; `rows` are tuples of already-safe or plain cells."""
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows)
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


class PaidRangeFilter(FormListFilter):
    """Contracts paid from one day to another, both days included, in the viewer's time zone."""

    title = "paid"
    parameters = (("paid_from", "From", "date"), ("paid_to", "To", "date"))

    def queryset(self, request, queryset):
        start = parse_date(self.used_parameters.get("paid_from"))
        end = parse_date(self.used_parameters.get("paid_to"))
        if start:
            queryset = queryset.filter(activated_at__gte=local_day_start(start))
        if end:
            queryset = queryset.filter(activated_at__lt=local_day_start(end + datetime.timedelta(days=1)))
        return queryset


@admin.register(Contract)
class ContractAdmin(ReasonActionMixin, RecordAdmin):
    list_display = ("number", "title", "student_label", "coach", "price", "credits_label", "status_badge", "ends_at")
    list_filter = ("status", ("coach", admin.RelatedOnlyFieldListFilter), PaidRangeFilter)
    search_fields = ("number", "title", "student__email", "student__full_name", "coach__user__full_name")
    list_select_related = ("coach__user", "student")
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-created_at", "-id")
    fieldsets = (
        (None, {"fields": ("number", "status_badge", "student_label", "coach", "proposal_link")}),
        (
            "Terms (as accepted)",
            {
                "fields": (
                    "title",
                    "goals",
                    "terms_label",
                    "price",
                    "cancellation_terms",
                    "accepted_at",
                    "terms_unchanged",
                )
            },
        ),
        ("Dates", {"fields": ("activated_at", "ends_at", "ended_at", "canceled_by", "cancel_reason")}),
        ("Sessions", {"fields": ("credits_label", "sessions_table")}),
        ("Money", {"fields": ("payments_table", "refunds_table")}),
        ("Conversation", {"fields": ("messages_table",)}),
        ("Timeline", {"fields": ("timeline_table",)}),
    )
    readonly_fields = tuple(name for _, section in fieldsets for name in section["fields"])  # a record: all read-only
    actions = ("cancel_and_refund",)
    refusals = (*ReasonActionMixin.refusals, SessionError)
    reason_kept = "Shown on the contract's timeline and kept in the staff audit log with the refund."

    @admin.display(description="Student", ordering="student__email")
    def student_label(self, contract):
        name = contract.student.get_full_name()
        if not name:
            return contract.student.email
        return format_html("{}<br><span class='quiet'>{}</span>", name, contract.student.email)

    @admin.display(description="Price", ordering="price_amount")
    def price(self, contract):
        return format_money(contract.price_amount, contract.currency)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, contract):
        return status_badge_html(
            status=contract.status, label=contract.get_status_display(), tones=CONTRACT_STATUS_TONES
        )

    @admin.display(description="Package")
    def terms_label(self, contract):
        return (
            f"{contract.sessions_count} × {contract.session_minutes} min, usable {contract.validity_weeks} weeks "
            f"after payment; {contract.cancel_notice_hours} h notice keeps a session"
        )

    @admin.display(description="Terms as accepted", boolean=True)
    def terms_unchanged(self, contract):
        """Whether the contract's terms are still exactly the ones the student accepted (they never change)."""
        return contract.terms() == contract.accepted_terms

    @admin.display(description="Proposal")
    def proposal_link(self, contract):
        return f"{contract.proposal.number} (thread of {contract.proposal.inquiry})"

    @admin.display(description="Credits")
    def credits_label(self, contract):
        credits = contract_credits(contract=contract)
        return f"{credits.used} used · {credits.scheduled} booked · {credits.available} left of {credits.total}"

    @admin.display(description="Sessions")
    def sessions_table(self, contract):
        sessions = contract.sessions.select_related("appointment")
        if not sessions:
            return NOTHING
        rows = (
            (
                f"{s.appointment.start_at:%Y-%m-%d %H:%M} UTC",
                s.get_status_display(),
                s.canceled_by or "—",
                s.reschedule_count,
            )
            for s in sessions
        )
        return _table(("Start", "Status", "Cancelled by", "Moves"), rows)

    @admin.display(description="Payments")
    def payments_table(self, contract):
        lines = list(order_lines_for_item(kind=CONTRACT_KIND, ref=str(contract.pk)))
        if not lines:
            return NOTHING

        def kept(line) -> str:
            if line.fulfilled_at:
                return "Kept: activated the contract"
            if line.revoked_at:
                return "Refused (already paid or ended): refunded"
            return "Not paid" if line.order.paid_at is None else "Paid, not fulfilled"

        rows = (
            (
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:commerce_order_change", args=[line.order.pk]),
                    line.order.number,
                ),
                line.order.get_status_display(),
                format_money(line.order.amount_paid, line.order.currency),
                f"{line.order.paid_at:%Y-%m-%d %H:%M} UTC" if line.order.paid_at else "—",
                kept(line),
            )
            for line in lines
        )
        return _table(("Order", "Status", "Paid", "When", "For this contract"), rows)

    @admin.display(description="Refunds")
    def refunds_table(self, contract):
        order_ids = order_lines_for_item(kind=CONTRACT_KIND, ref=str(contract.pk)).values("order_id")
        refunds = Refund.objects.filter(order_id__in=order_ids).select_related("order").order_by("created_at", "pk")
        if not refunds:
            return NOTHING
        rows = (
            (
                refund.order.number,
                format_money(refund.amount, refund.currency),
                refund.get_status_display(),
                refund.get_source_display(),
                refund.reason,
            )
            for refund in refunds
        )
        return _table(("Order", "Amount", "Status", "Source", "Reason"), rows)

    @admin.display(description="Messages")
    def messages_table(self, contract):
        messages = Message.objects.filter(inquiry=contract.proposal.inquiry).select_related("author")
        if not messages:
            return NOTHING
        rows = (
            (
                f"{m.created_at:%Y-%m-%d %H:%M}",
                (m.author.get_full_name() or m.author.email) if m.author else "InnerWork",
                m.body,
            )
            for m in messages
        )
        return _table(("When (UTC)", "From", "Message"), rows)

    @admin.display(description="Timeline")
    def timeline_table(self, contract):
        accepted = (contract.accepted_at, "contract", f"Terms of {contract.proposal.number} accepted.", "")
        entries = [accepted] + [
            (event.created_at, "contract", event.message, event.actor.email if event.actor else "")
            for event in contract.events.select_related("actor")
        ]
        staff = StaffAction.objects.filter(subject_type="coaching.contract", subject_id=str(contract.pk))
        entries += [
            (
                action.created_at,
                "staff",
                f"{action.action}: {action.reason}",
                action.actor.email if action.actor else "",
            )
            for action in staff.select_related("actor")
        ]
        entries.sort(key=lambda entry: entry[0])
        rows = ((f"{at:%Y-%m-%d %H:%M:%S}", source, text, who or "—") for at, source, text, who in entries)
        return _table(("When (UTC)", "Source", "What happened", "Who"), rows)

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm(CANCEL_PERMISSION)

    @admin.action(description="Cancel and refund unused sessions…", permissions=["cancel"])
    def cancel_and_refund(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset.select_related("coach__user", "student"),
            action="cancel_and_refund",
            title="Cancel contracts and refund their unused sessions",
            required=True,
            apply=lambda contract, reason: self.message_user(request, self._cancel(request, contract, reason)),
            done="Cancelled {count} contract{s}.",
        )

    @staticmethod
    def _cancel(request, contract, reason: str) -> str:
        """Cancel as staff through the one cancellation service; a sentence for staff about the money."""
        _, money = contract_cancel(contract=contract, party=Contract.Party.STAFF, actor=request.user, reason=reason)
        return f"{contract.number}: {money or STAFF_NOTHING_BACK}"

    def describe_for_reason(self, contract) -> str:
        credits = contract_credits(contract=contract)
        student = contract.student.get_full_name() or contract.student.email
        return (
            f"{contract.number} — {student} with {contract.coach}, {contract.title}: "
            f"{format_money(contract.price_amount, contract.currency)}, {credits.used} of {credits.total} sessions "
            f"used ({contract.get_status_display()})"
        )
