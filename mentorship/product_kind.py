"""The "mentorship_session" product kind: how commerce prices, holds, confirms, refunds a booked session.

Registered in MentorshipConfig.ready(). commerce never imports mentorship; it reaches this handler
through commerce.registry.get_kind("mentorship_session"). A line's ref is the Booking's pk.

- price: the booking's own price, fixed when it was booked; only its customer can pay it, and only
  while it waits for payment (an expired booking can be paid again).
- hold / release: the booking's appointment is held exactly as long as its payment page is open.
- fulfil: confirms the appointment; if the time went to someone else after the hold ran out, it
  refuses (CannotFulfil) and commerce refunds the payment in full. Never a confirmed booking nobody
  can attend, never money kept for nothing.
- refund_rule: tiers by notice (BOOKING_CANCEL_REFUND_TIERS).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from commerce.registry import (
    RELEASE_NOT_FULFILLED,
    CannotFulfil,
    KindPricing,
    NotPurchasable,
    PricedLine,
    PriceRange,
    ProductKind,
    RefundVerdict,
)
from innerwork.core.money import format_money
from innerwork.scheduling.services import (
    SchedulingError,
    SlotTaken,
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_release,
)
from mentorship.bookings import BOOKING_KIND, booking_set_status, booking_subject
from mentorship.models import Booking
from mentorship.notifications import notify_booking_canceled, notify_booking_confirmed
from mentorship.selectors import mentors_listed
from mentorship.services import mentor_session_price

BOOKING_UNKNOWN = "This booking does not exist."
BOOKING_NOT_PAYABLE = "This booking is {status} and can't be paid."
SLOT_GONE = "The time you picked was given to someone else after your payment page closed."
SLOT_GONE_CANCELED = "Cancelled: the time was given to someone else after the payment page closed; refunded in full."
SLOT_TAKEN_AGAIN = "that time was taken after your payment page closed. Please pick another time."
REFUND_TIER = "Cancelled {hours} hours before the session: {percent} % of the price ({amount}) comes back."
REFUND_NONE = "Cancelled less than {hours} hours before the session: nothing comes back under our policy."
REFUND_NOT_CONFIRMED = "Only a confirmed session that has not started is refunded under the policy."
REFUNDED_REASON = "Refunded: {reason}"
PAYABLE = (Booking.Status.PENDING_PAYMENT, Booking.Status.EXPIRED)
# The cancellation policy in plain words on the pricing page, from the same settings as refund_rule.
POLICY_TIER_FIRST = "Cancel {hours} hours or more before the session: {back}."
POLICY_TIER_BETWEEN = "Cancel between {hours} and {more} hours before: {back}."
POLICY_TIER_LAST = "Cancel less than {hours} hours before: {back}."
POLICY_BACK = "{percent}% of the price comes back"
POLICY_NOTHING_BACK = "nothing comes back"
POLICY_RESCHEDULE = (
    "Need another time? Move a paid session up to {hours} hours before it starts, up to {times} times, "
    "without paying again."
)
PRICING_SESSIONS_SUMMARY = (
    "Book a one-to-one video session with a mentor at a time that suits you; each mentor sets an hourly rate, "
    "and you pay for one session at a time when you book it."
)


def refund_tiers() -> list[tuple[int, int]]:
    """BOOKING_CANCEL_REFUND_TIERS as (hours of notice, percent), most notice first."""
    tiers = []
    for part in settings.BOOKING_CANCEL_REFUND_TIERS.split(","):
        hours, percent = part.split(":")
        tiers.append((int(hours), int(percent)))
    return sorted(tiers, reverse=True)


def refund_policy_sentences() -> tuple[str, ...]:
    """BOOKING_CANCEL_REFUND_TIERS (and the reschedule rules) as sentences a customer reads before booking."""

    def back(percent: int) -> str:
        return POLICY_BACK.format(percent=percent) if percent else POLICY_NOTHING_BACK

    sentences = []
    tiers = refund_tiers()
    for index, (hours, percent) in enumerate(tiers):
        if index == 0:
            sentences.append(
                POLICY_TIER_FIRST.format(hours=hours, back=back(percent))
                if hours
                else POLICY_TIER_LAST.format(hours="any number of", back=back(percent))
            )
        elif hours:
            sentences.append(POLICY_TIER_BETWEEN.format(hours=hours, more=tiers[index - 1][0], back=back(percent)))
        else:
            sentences.append(POLICY_TIER_LAST.format(hours=tiers[index - 1][0], back=back(percent)))
    if tiers and tiers[-1][0]:
        # Below the last tier's notice refund_percent gives nothing back.
        sentences.append(POLICY_TIER_LAST.format(hours=tiers[-1][0], back=POLICY_NOTHING_BACK))
    sentences.append(
        POLICY_RESCHEDULE.format(hours=settings.BOOKING_RESCHEDULE_NOTICE_HOURS, times=settings.BOOKING_MAX_RESCHEDULES)
    )
    return tuple(sentences)


def refund_percent(*, notice: timedelta) -> tuple[int, int]:
    """(percent back, the tier's hours) for a cancellation with `notice` before the start; (0, last tier's hours)."""
    tiers = refund_tiers()
    for hours, percent in tiers:
        if notice >= timedelta(hours=hours):
            return percent, hours
    return 0, tiers[-1][0] if tiers else 0


class MentorshipSessionKind(ProductKind):
    kind = BOOKING_KIND
    label = "Mentorship session"

    def _booking(self, ref: str, *, lock: bool = False) -> Booking:
        if not str(ref).isdigit():
            raise NotPurchasable(BOOKING_UNKNOWN)
        bookings = Booking.objects.select_related("mentor__user", "customer", "appointment")
        booking = (bookings.select_for_update(of=("self",)) if lock else bookings).filter(pk=int(ref)).first()
        if booking is None:
            raise NotPurchasable(BOOKING_UNKNOWN)
        return booking

    def price(self, *, ref: str, user, order=None) -> PricedLine:
        """The booking's price; NotPurchasable for anyone but its customer, or once it no longer waits for payment."""
        booking = self._booking(ref)
        if user is not None and getattr(user, "is_authenticated", False) and user.pk != booking.customer_id:
            raise NotPurchasable(BOOKING_UNKNOWN)
        if booking.status not in PAYABLE:
            raise NotPurchasable(BOOKING_NOT_PAYABLE.format(status=booking.get_status_display().lower()))
        return PricedLine(
            kind=self.kind,
            ref=str(booking.pk),
            title=f"{booking.minutes}-minute session with {booking.mentor}",
            unit_amount=booking.price_amount,
            currency=booking.currency,
            category="mentorship",
            metadata={"mentor": str(booking.mentor), "start": booking.appointment.start_at.isoformat()},
        )

    def hold(self, *, line, until: datetime) -> None:
        """Hold the booking's time until `until`; an expired booking whose time is still free is held again."""
        with transaction.atomic():
            booking = self._booking(line.ref, lock=True)
            if booking.status not in PAYABLE:
                raise NotPurchasable(BOOKING_NOT_PAYABLE.format(status=booking.get_status_display().lower()))
            appointment = booking.appointment
            try:
                appointment_hold(
                    host=booking.mentor.user,
                    guest=booking.customer,
                    start_at=appointment.start_at,
                    length=appointment.end_at - appointment.start_at,
                    until=until,
                    subject=booking_subject(booking),
                    title=appointment.title,
                )
            except SlotTaken:
                raise NotPurchasable(SLOT_TAKEN_AGAIN) from None
            if booking.status == Booking.Status.EXPIRED:
                booking_set_status(booking=booking, status=Booking.Status.PENDING_PAYMENT, message="Paying again.")

    def release(self, *, line, reason: str) -> None:
        """Free the booking's time: its payment page closed unpaid (the booking expires, and can be paid again
        while its time is free), or a payment could not be given its time (the booking is cancelled)."""
        with transaction.atomic():
            booking = self._booking(line.ref, lock=True)
            if reason == RELEASE_NOT_FULFILLED and booking.status in PAYABLE:
                appointment_release(appointment=booking.appointment, reason=reason)
                booking_set_status(booking=booking, status=Booking.Status.CANCELED, message=SLOT_GONE_CANCELED)
            elif booking.status == Booking.Status.PENDING_PAYMENT:
                appointment_release(appointment=booking.appointment, reason=reason)
                booking_set_status(booking=booking, status=Booking.Status.EXPIRED, data={"reason": reason})

    def fulfil(self, *, line) -> None:
        """Confirm the session and tell both people, with an .ics invitation each; refuse if its time is gone."""
        booking = self._booking(line.ref, lock=True)
        if booking.status == Booking.Status.CONFIRMED:
            return
        if booking.status not in PAYABLE:
            raise CannotFulfil(BOOKING_NOT_PAYABLE.format(status=booking.get_status_display().lower()))
        try:
            appointment_confirm(appointment=booking.appointment)
        except SlotTaken:
            raise CannotFulfil(SLOT_GONE) from None  # commerce refunds it, then releases the line
        booking.appointment.refresh_from_db()
        booking_set_status(
            booking=booking,
            status=Booking.Status.CONFIRMED,
            changes={"confirmed_at": line.order.paid_at},
            data={"order": line.order.number},
        )
        notify_booking_confirmed(booking=booking)

    def revoke(self, *, line, reason: str) -> None:
        """A refund of a confirmed session (by staff, or in Stripe's dashboard) cancels it and frees its time.

        A session the customer already cancelled stays cancelled (its refund is the cancellation's own).
        """
        booking = self._booking(line.ref, lock=True)
        if booking.status != Booking.Status.CONFIRMED:
            return
        booking_set_status(
            booking=booking, status=Booking.Status.REFUNDED, message=REFUNDED_REASON.format(reason=reason)
        )
        try:
            appointment_cancel(appointment=booking.appointment, reason=reason)
        except SchedulingError:  # already finished: nothing to free
            return
        notify_booking_canceled(booking=booking)

    def pricing(self) -> KindPricing:
        """Listed mentors' cheapest and dearest sessions per currency (one query, in Python over their rates)."""
        ranges: dict[str, tuple[int, int]] = {}
        mentors = (
            mentors_listed()
            .select_related(None)
            .prefetch_related(None)
            .only("hourly_rate_amount", "currency", "session_lengths")
        )
        for mentor in mentors:
            if not mentor.session_lengths:
                continue
            cheapest = mentor_session_price(mentor=mentor, minutes=min(mentor.session_lengths)).amount
            dearest = mentor_session_price(mentor=mentor, minutes=max(mentor.session_lengths)).amount
            low, high = ranges.get(mentor.currency, (cheapest, dearest))
            ranges[mentor.currency] = (min(low, cheapest), max(high, dearest))
        return KindPricing(
            kind=self.kind,
            title="Mentorship sessions",
            summary=PRICING_SESSIONS_SUMMARY,
            unit="per session",
            browse_url=reverse("mentorship:mentor_list"),
            browse_label="Find a mentor",
            ranges=tuple(
                PriceRange(currency=currency, lowest=low, highest=high)
                for currency, (low, high) in sorted(ranges.items())
            ),
            refund_policy=refund_policy_sentences(),
        )

    def refund_rule(self, *, line, now: datetime) -> RefundVerdict:
        """Tiers by notice: the share of BOOKING_CANCEL_REFUND_TIERS whose notice the customer gives now."""
        booking = self._booking(line.ref)
        if booking.status != Booking.Status.CONFIRMED or booking.appointment.start_at <= now:
            return RefundVerdict(eligible=False, reasons=(REFUND_NOT_CONFIRMED,))
        notice = booking.appointment.start_at - now
        percent, hours = refund_percent(notice=notice)
        if percent == 0:
            return RefundVerdict(eligible=True, amount=0, explanation=REFUND_NONE.format(hours=hours))
        amount = line.total_amount * percent // 100
        explanation = REFUND_TIER.format(
            hours=int(notice.total_seconds() // 3600), percent=percent, amount=format_money(amount, booking.currency)
        )
        return RefundVerdict(eligible=True, amount=amount, explanation=explanation)

    def checkout_expires_at(self, *, line, now: datetime) -> datetime | None:
        """The payment page stays open BOOKING_HOLD_MINUTES (Stripe keeps it at least 30 minutes)."""
        return now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES)
