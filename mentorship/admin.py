"""Mentors and bookings in the staff console.

Mentors: approve or deactivate them (with a reason, audited), edit their profile. Bookings: a read-only
record like the order console (filters, search, the booking's page with its order and timeline); the
one thing staff do to a booking, cancelling it with a full refund, is an action that asks for a reason
and goes through mentorship.bookings.booking_cancel (permission `mentorship.cancel_booking`, audited).
"""

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from commerce.orders import order_line_for_item
from innerwork.core.admin_actions import ReasonActionMixin
from innerwork.core.admin_filters import FormListFilter, local_day_start, parse_date
from innerwork.core.admin_tools import RecordAdmin, status_badge_html
from innerwork.core.money import format_money
from mentorship.bookings import BOOKING_KIND, CANCEL_PERMISSION, BookingError, booking_cancel
from mentorship.models import Booking, BookingEvent, Expertise, Language, MentorProfile
from mentorship.services import MentorError, mentor_approve, mentor_deactivate

BOOKING_STATUS_TONES = {
    Booking.Status.CONFIRMED: "success",
    Booking.Status.COMPLETED: "success",
    Booking.Status.PENDING_PAYMENT: "warning",
    Booking.Status.NO_SHOW: "warning",
    Booking.Status.REFUNDED: "info",
    Booking.Status.CANCELED: "neutral",
    Booking.Status.EXPIRED: "neutral",
}


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(MentorProfile)
class MentorProfileAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ("__str__", "headline", "status", "hourly_rate", "approved_at")
    list_filter = ("status", "expertise", "languages")
    search_fields = ("user__email", "user__full_name", "headline", "slug")
    autocomplete_fields = ("user",)
    filter_horizontal = ("expertise", "languages")
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("status", "approved_at", "created_at", "updated_at")
    actions = ("approve_selected", "deactivate_selected")
    refusals = (*ReasonActionMixin.refusals, MentorError)

    @admin.display(description="Hourly rate")
    def hourly_rate(self, mentor):
        return format_money(mentor.hourly_rate_amount, mentor.currency)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("mentorship.approve_mentor")

    @admin.action(description="Approve selected mentors…", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="approve_selected",
            title="Approve mentors",
            required=False,
            apply=lambda mentor, reason: mentor_approve(mentor=mentor, actor=request.user, reason=reason),
            done="Approved {count} mentor{s}.",
        )

    @admin.action(description="Deactivate selected mentors with a reason…", permissions=["approve"])
    def deactivate_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="deactivate_selected",
            title="Deactivate mentors",
            required=True,
            apply=lambda mentor, reason: mentor_deactivate(mentor=mentor, actor=request.user, reason=reason),
            done="Deactivated {count} mentor{s}.",
        )

    def describe_for_reason(self, mentor) -> str:
        return f"{mentor} — {mentor.headline} ({mentor.get_status_display()})"


class SessionStartRangeFilter(FormListFilter):
    """Sessions starting from one day to another, both days included, in the viewer's time zone."""

    title = "session date"
    parameters = (("start_from", "From", "date"), ("start_to", "To", "date"))

    def queryset(self, request, queryset):
        start = parse_date(self.used_parameters.get("start_from"))
        end = parse_date(self.used_parameters.get("start_to"))
        if start:
            queryset = queryset.filter(appointment__start_at__gte=local_day_start(start))
        if end:
            queryset = queryset.filter(appointment__start_at__lt=local_day_start(end + datetime.timedelta(days=1)))
        return queryset


class BookingEventInline(admin.TabularInline):
    """The booking's timeline, oldest first; written only by the booking services."""

    model = BookingEvent
    verbose_name_plural = "Timeline"
    fields = ("created_at", "type", "message", "actor")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Booking)
class BookingAdmin(ReasonActionMixin, RecordAdmin):
    list_display = ("number", "session_start", "mentor", "customer_label", "length", "price", "status_badge")
    list_filter = ("status", ("mentor", admin.RelatedOnlyFieldListFilter), SessionStartRangeFilter)
    search_fields = (
        "number",
        "customer__email",
        "customer__full_name",
        "mentor__user__full_name",
        "mentor__user__email",
        "topic",
    )
    list_select_related = ("mentor__user", "customer", "appointment")
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-created_at", "-id")
    fieldsets = (
        (None, {"fields": ("number", "status_badge", "session_start", "session_end", "length", "price", "order_link")}),
        ("People", {"fields": ("mentor", "customer_label", "meeting_url")}),
        ("What it is about", {"fields": ("topic", "notes")}),
        (
            "History",
            {
                "fields": (
                    "reschedule_count",
                    "confirmed_at",
                    "canceled_at",
                    "cancel_reason",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = (
        "number",
        "status_badge",
        "session_start",
        "session_end",
        "length",
        "price",
        "order_link",
        "mentor",
        "customer_label",
        "meeting_url",
        "topic",
        "notes",
        "reschedule_count",
        "confirmed_at",
        "canceled_at",
        "cancel_reason",
        "created_at",
        "updated_at",
    )
    inlines = (BookingEventInline,)
    actions = ("cancel_with_full_refund",)
    refusals = (*ReasonActionMixin.refusals, BookingError)
    reason_kept = "Sent to the customer and the mentor with the cancellation, and kept in the staff audit log."

    @admin.display(description="Session start (UTC)", ordering="appointment__start_at")
    def session_start(self, booking):
        return f"{booking.appointment.start_at:%Y-%m-%d %H:%M}" if booking.appointment else "—"

    @admin.display(description="Session end (UTC)")
    def session_end(self, booking):
        return f"{booking.appointment.end_at:%Y-%m-%d %H:%M}" if booking.appointment else "—"

    @admin.display(description="Customer", ordering="customer__email")
    def customer_label(self, booking):
        name = booking.customer.get_full_name()
        if not name:
            return booking.customer.email
        return format_html("{}<br><span class='quiet'>{}</span>", name, booking.customer.email)

    @admin.display(description="Length", ordering="minutes")
    def length(self, booking):
        return f"{booking.minutes} min"

    @admin.display(description="Price", ordering="price_amount")
    def price(self, booking):
        return format_money(booking.price_amount, booking.currency)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, booking):
        return status_badge_html(status=booking.status, label=booking.get_status_display(), tones=BOOKING_STATUS_TONES)

    @admin.display(description="Meeting room")
    def meeting_url(self, booking):
        return booking.mentor.meeting_url or "—"

    @admin.display(description="Order")
    def order_link(self, booking):
        line = order_line_for_item(kind=BOOKING_KIND, ref=str(booking.pk))
        if line is None:
            return "Not paid"
        order = line.order
        label = f"{order.number} · {format_money(order.total_amount, order.currency)} · {order.get_status_display()}"
        return format_html('<a href="{}">{}</a>', reverse("admin:commerce_order_change", args=[order.pk]), label)

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm(CANCEL_PERMISSION)

    @admin.action(description="Cancel with full refund…", permissions=["cancel"])
    def cancel_with_full_refund(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset.select_related("mentor__user", "customer", "appointment"),
            action="cancel_with_full_refund",
            title="Cancel bookings with a full refund",
            required=True,
            apply=lambda booking, reason: self._cancel(request, booking, reason),
            done="Cancelled {count} booking{s}; what was paid goes back in full.",
        )

    def _cancel(self, request, booking, reason: str) -> None:
        booking, money = booking_cancel(booking=booking, actor=request.user, reason=reason)
        if money:  # the refund started, or why it did not (Stripe unreachable: resent later; refused: flagged)
            self.message_user(request, f"{booking.number}: {money}")

    def describe_for_reason(self, booking) -> str:
        start = f"{booking.appointment.start_at:%Y-%m-%d %H:%M} UTC" if booking.appointment else "no time"
        customer = booking.customer.get_full_name() or booking.customer.email
        return (
            f"{booking.number} — {customer} with {booking.mentor}, {start}, "
            f"{format_money(booking.price_amount, booking.currency)} ({booking.get_status_display()})"
        )
