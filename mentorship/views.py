"""Mentorship pages: the mentors list, a mentor's page, booking and paying a session, "My sessions".

Each view parses the request, calls one service or selector and renders. Times are shown in the
viewer's zone (`?tz=`, else the zone they picked earlier in this visit, else their account's, else
UTC) and travel in links and forms as UTC ISO 8601. Bookings are looked up with their viewer, so
another person's session is a 404.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commerce.checkout import order_checkout, order_create_for_item
from commerce.exceptions import CheckoutError, CouponError, NotPurchasable, PaymentProviderError
from commerce.models import Order
from commerce.orders import item_payment_declined
from commerce.page_cache import viewer_scopes
from commerce.views.checkout import HttpResponseSeeOther
from innerwork.accounts.time_zones import utc_iso
from innerwork.accounts.viewer_zone import render_in_zone, viewer_zone, zone_context
from innerwork.core.page_cache import cached_page, page_locale
from innerwork.core.pagination import page_for_request
from innerwork.core.ratelimit import rate_limit
from innerwork.scheduling.page_cache import SCHEDULES
from innerwork.scheduling.services import SLOT_TAKEN, SlotTaken
from innerwork.scheduling.slot_picking import picked_start_apply
from mentorship.bookings import (
    BOOKING_KIND,
    BookingError,
    booking_cancel,
    booking_cancel_quote,
    booking_fulfil_from_return,
    booking_reschedule,
    booking_start,
    booking_subject,
)
from mentorship.forms import BookingForm, MentorFilterForm, PickedTimeForm
from mentorship.models import Booking, Expertise, Language, MentorProfile
from mentorship.notifications import booking_ics
from mentorship.page_cache import MENTORS
from mentorship.selectors import (
    THIS_WEEK,
    booking_for_viewer,
    bookings_of_customer,
    mentor_cards,
    mentor_listed,
    mentor_slot_days,
    mentors_listed,
)
from mentorship.services import MentorError, mentor_session_price, mentor_session_prices

PER_PAGE = 12
SLOT_DAYS = 14
SESSION_BOOKED = "Your session is booked. We've e-mailed you the details and a calendar invitation."
PAYMENT_CONFIRMING = "Thanks! We're confirming your payment with Stripe; this page shows it as soon as it's through."
PAYMENT_NOT_MADE = "The payment was not made, so nothing was charged."
PAYMENT_DECLINED = (
    "Your card was declined, so nothing was charged. Stripe said: “{reason}” "
    "Try again with another card while the time is held, or ask your bank to allow the payment."
)
LOGIN_TO_BOOK = "Log in or create an account to book this session."
LENGTH_UNKNOWN = "Pick one of the session lengths offered."
SESSION_MOVED = "Your session was moved. We've sent you the updated calendar invitation."
SESSION_CANCELED = "Your session was cancelled."


def _book_url(mentor: MentorProfile, start, minutes: int) -> str:
    query = urlencode({"start": utc_iso(start), "length": minutes}, safe=":")
    return f"{reverse('mentorship:book', kwargs={'slug': mentor.slug})}?{query}"


def _own_booking(request, number: str) -> Booking:
    try:
        return booking_for_viewer(user=request.user, number=number)
    except Booking.DoesNotExist:
        raise Http404("No such session") from None


def _listed_mentor(slug: str) -> MentorProfile:
    try:
        return mentor_listed(slug=slug)
    except MentorProfile.DoesNotExist:
        raise Http404("No such mentor") from None


# --- Browsing -------------------------------------------------------------------------------------------


@require_GET
def mentor_list(request):
    zone = viewer_zone(request)
    form = MentorFilterForm(
        request.GET or None,
        expertise_choices=list(
            Expertise.objects.filter(mentors__status="approved").distinct().values_list("slug", "name")
        ),
        language_choices=list(
            Language.objects.filter(mentors__status="approved").distinct().values_list("code", "name")
        ),
    )
    filters = form.filters()
    now = timezone.now()
    mentors = mentors_listed(expertise=filters["expertise"], language=filters["language"], max_rate=filters["max_rate"])
    if filters["this_week"]:
        # Who is free this week is known only after reading every calendar: all of them in one batch.
        page_obj = page_for_request(
            Paginator(mentor_cards(mentors=mentors, now=now, within=THIS_WEEK), PER_PAGE), request.GET.get("page")
        )
        cards = page_obj.object_list
    else:
        page_obj = page_for_request(Paginator(mentors, PER_PAGE), request.GET.get("page"))
        cards = mentor_cards(mentors=page_obj.object_list, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "cards": cards,
        "page_obj": page_obj,
        "page_query": query.urlencode(),
        "page_query_pairs": [(name, value) for name, value in query.items() if name != "tz"],
        "is_filtered": any(value for value in filters.values()),
    }
    return render_in_zone(request, zone, "mentorship/mentor_list.html", context)


def _mentor_page_data(mentor: MentorProfile, *, minutes: int, zone: zoneinfo.ZoneInfo, now, alternatives=()) -> dict:
    days = mentor_slot_days(mentor=mentor, minutes=minutes, zone=zone, now=now, days=SLOT_DAYS)
    return {
        "mentor": mentor,
        "prices": mentor_session_prices(mentor=mentor),
        "minutes": minutes,
        "days": [(day, [(slot, _book_url(mentor, slot.start, minutes)) for slot in day.slots]) for day in days],
        "slot_days": SLOT_DAYS,
        "alternatives": [(slot, _book_url(mentor, slot.start, minutes)) for slot in alternatives],
        "zone_keep": [("length", minutes)],
        "taken_message": SLOT_TAKEN,
    }


def _mentor_page(request, mentor: MentorProfile, *, minutes: int, alternatives=(), status: int = 200):
    """The mentor's page rendered afresh (never cached): with the times offered instead of one just taken."""
    zone = viewer_zone(request)
    context = _mentor_page_data(mentor, minutes=minutes, zone=zone, now=timezone.now(), alternatives=alternatives)
    return render_in_zone(request, zone, "mentorship/mentor_detail.html", context, status=status)


def _mentor_page_context(request, slug: str, zone: zoneinfo.ZoneInfo, now) -> dict:
    mentor = _listed_mentor(slug)
    lengths = sorted(mentor.session_lengths)
    asked = request.GET.get("length", "")
    minutes = int(asked) if asked.isdigit() and int(asked) in lengths else (lengths[0] if lengths else 0)
    return {**_mentor_page_data(mentor, minutes=minutes, zone=zone, now=now), **zone_context(zone)}


@require_GET
def mentor_detail(request, slug: str):
    """A mentor and their free times in the viewer's zone: from the page cache while nothing it shows has
    changed (mentors, schedules, the viewer's own header) and within the same minute (see
    innerwork/scheduling/page_cache.py)."""
    zone = viewer_zone(request)
    now = timezone.now()
    viewer, own = viewer_scopes(request)
    with timezone.override(zone):
        return cached_page(
            request,
            "mentorship/mentor_detail.html",
            key=("mentor", slug, viewer, page_locale(), zone.key, request.GET.get("length", ""), f"{now:%Y%m%d%H%M}"),
            scopes=(MENTORS, SCHEDULES, *own),
            context=lambda: _mentor_page_context(request, slug, zone, now),
        )


# --- Booking and paying -----------------------------------------------------------------------------------


def _return_urls(request, booking: Booking) -> tuple[str, str]:
    success = reverse("mentorship:session_paid", kwargs={"number": booking.number})
    cancel = reverse("mentorship:session_not_paid", kwargs={"number": booking.number})
    # Stripe fills in {CHECKOUT_SESSION_ID}; it must reach Stripe unescaped.
    return request.build_absolute_uri(success) + "?session_id={CHECKOUT_SESSION_ID}", request.build_absolute_uri(cancel)


def _send_to_payment(request, booking: Booking, order: Order | None):
    """303 to Stripe's page for the booking's order, or back to the session page when there is nothing to pay."""
    if order is None:
        return redirect("mentorship:session_detail", number=booking.number)
    success_url, cancel_url = _return_urls(request, booking)
    try:
        start = order_checkout(order=order, success_url=success_url, cancel_url=cancel_url)
    except (CheckoutError, CouponError, NotPurchasable) as exc:
        messages.error(request, exc.message)
        return redirect("mentorship:session_detail", number=booking.number)
    except PaymentProviderError as exc:
        return render(
            request, "commerce/checkout_unavailable.html", {"order": order, "message": exc.message}, status=503
        )
    if not start.at_stripe:
        return redirect("mentorship:session_detail", number=booking.number)
    return HttpResponseSeeOther(start.url)


def _slot_taken(request, mentor: MentorProfile, minutes: int, taken: SlotTaken):
    """Back to the mentor's times (409), saying the time was just taken and offering the nearest free ones."""
    return _mentor_page(request, mentor, minutes=minutes, alternatives=taken.alternatives, status=409)


@require_http_methods(["GET", "POST"])
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def book(request, slug: str):
    mentor = _listed_mentor(slug)
    if not request.user.is_authenticated:
        messages.info(request, LOGIN_TO_BOOK)
        return redirect_to_login(request.get_full_path())
    zone = viewer_zone(request)
    if request.method == "POST":
        form = BookingForm(request.POST)
    else:
        form = BookingForm(initial={**request.GET.dict(), "token": secrets.token_urlsafe(24)})
    picked = PickedTimeForm(request.POST if request.method == "POST" else request.GET)
    if not picked.is_valid():
        messages.error(request, LENGTH_UNKNOWN if "length" in picked.errors else picked.errors["start"][0])
        return redirect("mentorship:mentor_detail", slug=mentor.slug)
    start, minutes = picked.cleaned_data["start"], picked.cleaned_data["length"]
    try:
        price = mentor_session_price(mentor=mentor, minutes=minutes)
    except MentorError as exc:
        messages.error(request, exc.message)
        return redirect("mentorship:mentor_detail", slug=mentor.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking, order = booking_start(
                customer=request.user,
                mentor=mentor,
                start_at=start,
                minutes=minutes,
                topic=data["topic"],
                notes=data["notes"],
                request_key=data["token"],
            )
        except SlotTaken as taken:
            return _slot_taken(request, mentor, minutes, taken)
        except (BookingError, MentorError, NotPurchasable, CheckoutError) as exc:
            form.add_error(None, exc.message)
        else:
            return _send_to_payment(request, booking, order)
    context = {"mentor": mentor, "form": form, "start": start, "price": price}
    return render_in_zone(request, zone, "mentorship/book.html", context, status=400 if form.is_bound else 200)


@login_required
@require_GET
def session_paid(request, number: str):
    """Back from Stripe: confirm the payment now (the webhook may not have come yet), then show the session."""
    booking = _own_booking(request, number)
    session_id = request.GET.get("session_id", "")
    if booking.customer_id != request.user.pk or not session_id:
        return redirect("mentorship:session_detail", number=booking.number)
    try:
        booking = booking_fulfil_from_return(booking=booking, session_id=session_id)
    except Order.DoesNotExist:
        raise Http404("No such payment for this session") from None
    except PaymentProviderError:
        pass  # the webhook will confirm it; the session page says we are confirming
    if booking.status == Booking.Status.CONFIRMED:
        messages.success(request, SESSION_BOOKED)
    elif booking.status == Booking.Status.PENDING_PAYMENT:
        messages.info(request, PAYMENT_CONFIRMING)
    return redirect("mentorship:session_detail", number=booking.number)


@login_required
@require_GET
def session_not_paid(request, number: str):
    """The customer left Stripe's page: nothing was charged; the session page offers to pay while the time is held.

    After a declined card the message says so, with Stripe's reason, instead of only that no payment was made.
    """
    booking = _own_booking(request, number)
    if booking.customer_id == request.user.pk and booking.status != Booking.Status.CONFIRMED:
        declined = item_payment_declined(user=request.user, kind=BOOKING_KIND, ref=str(booking.pk))
        if declined:
            messages.error(request, PAYMENT_DECLINED.format(reason=declined))
        else:
            messages.info(request, PAYMENT_NOT_MADE)
    return redirect("mentorship:session_detail", number=booking.number)


@login_required
@require_POST
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def session_pay(request, number: str):
    booking = _own_booking(request, number)
    if booking.customer_id != request.user.pk:
        raise Http404("No such session")
    try:
        order = order_create_for_item(user=request.user, kind=BOOKING_KIND, ref=str(booking.pk))
    except (NotPurchasable, CheckoutError) as exc:
        messages.error(request, exc.message)
        return redirect("mentorship:session_detail", number=booking.number)
    return _send_to_payment(request, booking, order)


# --- My sessions ------------------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request):
    zone = viewer_zone(request)
    upcoming, past = bookings_of_customer(customer=request.user, now=timezone.now())
    return render_in_zone(request, zone, "mentorship/session_list.html", {"upcoming": upcoming, "past": past})


def _session_context(request, booking: Booking) -> dict:
    now = timezone.now()
    is_customer = booking.customer_id == request.user.pk
    start = booking.appointment.start_at
    notice = timedelta(hours=settings.BOOKING_RESCHEDULE_NOTICE_HOURS)
    return {
        "booking": booking,
        "appointment": booking.appointment,
        "is_customer": is_customer,
        "is_upcoming": booking.status in Booking.UPCOMING and booking.appointment.end_at > now,
        "can_pay": is_customer and booking.status in (Booking.Status.PENDING_PAYMENT, Booking.Status.EXPIRED),
        "can_reschedule": is_customer
        and booking.status == Booking.Status.CONFIRMED
        and start - now >= notice
        and booking.reschedule_count < settings.BOOKING_MAX_RESCHEDULES,
        "can_cancel": booking.status == Booking.Status.CONFIRMED and start > now,
        "reschedules_left": settings.BOOKING_MAX_RESCHEDULES - booking.reschedule_count,
        "reschedule_notice_hours": settings.BOOKING_RESCHEDULE_NOTICE_HOURS,
    }


@login_required
@require_GET
def session_detail(request, number: str):
    zone = viewer_zone(request)
    booking = _own_booking(request, number)
    return render_in_zone(request, zone, "mentorship/session_detail.html", _session_context(request, booking))


@login_required
@require_GET
def session_ics(request, number: str):
    booking = _own_booking(request, number)
    if booking.appointment is None:
        raise Http404("No time for this session")
    method = "CANCEL" if booking.status in (Booking.Status.CANCELED, Booking.Status.REFUNDED) else "REQUEST"
    response = HttpResponse(booking_ics(booking=booking, method=method), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.number}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def session_reschedule(request, number: str):
    zone = viewer_zone(request)
    booking = _own_booking(request, number)
    if booking.customer_id != request.user.pk:
        raise Http404("No such session")
    error, alternatives = "", []
    if request.method == "POST":
        done, error, alternatives = picked_start_apply(
            request.POST, lambda start: booking_reschedule(booking=booking, start_at=start, actor=request.user)
        )
        if done:
            messages.success(request, SESSION_MOVED)
            return redirect("mentorship:session_detail", number=booking.number)
    days = mentor_slot_days(
        mentor=booking.mentor,
        minutes=booking.minutes,
        zone=zone,
        now=timezone.now(),
        days=SLOT_DAYS,
        ignore_subject=booking_subject(booking),
    )
    context = {
        **_session_context(request, booking),
        # Its own time shows as free to the engine (ignore_subject); it is not a time to move to.
        "day_pairs": [
            (day, pairs)
            for day in days
            if (pairs := [(slot, "") for slot in day.slots if slot.start != booking.appointment.start_at])
        ],
        "error": error,
        "alternatives": alternatives,
        "slot_days": SLOT_DAYS,
    }
    return render_in_zone(request, zone, "mentorship/session_reschedule.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, number: str):
    zone = viewer_zone(request)
    booking = _own_booking(request, number)
    if request.method == "POST":
        try:
            booking, refund_message = booking_cancel(booking=booking, actor=request.user)
        except BookingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{SESSION_CANCELED} {refund_message}".strip())
        return redirect("mentorship:session_detail", number=booking.number)
    by_mentor = booking.mentor.user_id == request.user.pk and booking.customer_id != request.user.pk
    context = {
        **_session_context(request, booking),
        "quote": booking_cancel_quote(booking=booking, by_mentor=by_mentor),
    }
    return render_in_zone(request, zone, "mentorship/session_cancel.html", context)
