"""The refund policy: a table of (time since purchase, progress, certificate) → what the customer is told,
and the amount each line would give back (its discounted price, less refunds made or on their way)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commerce import registry
from commerce.models import Order, Refund, RefundLine
from commerce.refunds.policy import (
    LINE_ACCESS_ENDED,
    LINE_FREE,
    LINE_KIND_GONE,
    LINE_NEEDS_REVIEW,
    LINE_REFUND_ON_ITS_WAY,
    LINE_REFUNDED,
    ORDER_NOT_PAID,
    ORDER_UNDER_REVIEW,
    refund_quote,
)
from commerce.tests.factories import OrderFactory, OrderLineFactory
from courses.models import Lesson, LessonProgress
from courses.product_kind import REFUND_ACCESS_CLOSED, REFUND_CERTIFICATE_ISSUED
from courses.tests.factories import CertificateFactory, CourseFactory, EnrollmentFactory, ModuleFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
DAY = timedelta(days=1)
JUST_TOO_LATE = "You bought this course more than 14 days ago; refunds are automatic within 14 days."
TOO_LATE = "You bought this course {days} days ago; refunds are automatic within 14 days."
TOO_FAR = "You have completed {percent}% of this course; refunds are automatic below 30%."


def course_with_100_lessons():
    """Progress in whole percent is then the number of lessons done."""
    course = CourseFactory(price_amount=4900)
    module = ModuleFactory(course=course)
    Lesson.objects.bulk_create(Lesson(module=module, title=f"L{n}", body="-", position=n) for n in range(100))
    return course


def bought(*, ago: timedelta, done: int = 0, certificate: bool = False, unit_amount=4900, discount=0):
    """A paid order of one course bought `ago` before NOW, with `done` of its 100 lessons completed."""
    course = course_with_100_lessons()
    order = OrderFactory(
        status=Order.Status.PAID,
        subtotal_amount=unit_amount,
        discount_amount=discount,
        amount_paid=unit_amount - discount,
        paid_at=NOW - ago,
    )
    line = OrderLineFactory(order=order, ref=str(course.pk), unit_amount=unit_amount, discount_amount=discount)
    enrollment = EnrollmentFactory(user=order.user, course=course)
    lessons = Lesson.objects.filter(module__course=course).order_by("position")[:done]
    LessonProgress.objects.bulk_create(
        LessonProgress(enrollment=enrollment, lesson=lesson, completed_at=NOW) for lesson in lessons
    )
    if certificate:
        CertificateFactory(enrollment=enrollment)
    return order, line


@pytest.mark.parametrize(
    ("since_purchase", "progress", "certificate", "eligible", "reasons"),
    [
        (timedelta(0), 0, False, True, []),
        (timedelta(hours=1), 0, False, True, []),
        (13 * DAY, 29, False, True, []),
        # exactly 14 days is still inside; a second later is outside
        (14 * DAY, 0, False, True, []),
        (14 * DAY + timedelta(seconds=1), 0, False, False, [JUST_TOO_LATE]),
        (14 * DAY + timedelta(hours=23), 0, False, False, [JUST_TOO_LATE]),
        (15 * DAY, 0, False, False, [TOO_LATE.format(days=15)]),
        (20 * DAY, 0, False, False, [TOO_LATE.format(days=20)]),
        # 29 % is below 30 %; exactly 30 % is not
        (2 * DAY, 29, False, True, []),
        (2 * DAY, 30, False, False, [TOO_FAR.format(percent=30)]),
        (2 * DAY, 75, False, False, [TOO_FAR.format(percent=75)]),
        (2 * DAY, 5, True, False, [REFUND_CERTIFICATE_ISSUED]),
        (
            30 * DAY,
            100,
            True,
            False,
            [TOO_LATE.format(days=30), TOO_FAR.format(percent=100), REFUND_CERTIFICATE_ISSUED],
        ),
    ],
)
def test_course_refund_policy_table(since_purchase, progress, certificate, eligible, reasons):
    # given a course bought `since_purchase` ago, `progress` % done, with or without a certificate
    order, _ = bought(ago=since_purchase, done=progress, certificate=certificate)
    # when the policy quotes it now
    quote = refund_quote(order=order, now=NOW)
    # then the verdict, the sentences shown to the customer and the amount are
    [line_quote] = quote.lines
    assert (line_quote.eligible, line_quote.reasons) == (eligible, reasons)
    assert line_quote.amount == 4900
    assert quote.automatic is eligible
    assert quote.total == 4900


@pytest.mark.parametrize(
    ("days", "max_percent", "since_purchase", "progress", "eligible"),
    [
        (30, 30, 20 * DAY, 0, True),
        (7, 30, 8 * DAY, 0, False),
        (14, 50, 2 * DAY, 49, True),
        (14, 50, 2 * DAY, 50, False),
    ],
)
def test_the_policy_follows_the_settings(settings, days, max_percent, since_purchase, progress, eligible):
    settings.COURSE_REFUND_DAYS = days
    settings.COURSE_REFUND_MAX_PROGRESS_PERCENT = max_percent
    order, _ = bought(ago=since_purchase, done=progress)

    assert refund_quote(order=order, now=NOW).automatic is eligible


def refund_of(line, amount, status=Refund.Status.SUCCEEDED):
    """A refund of `amount` on `line` in `status`; a succeeded one is applied to the line, as the webhook does."""
    refund = Refund.objects.create(
        order=line.order,
        amount=amount,
        currency="usd",
        source=Refund.Source.STAFF,
        reason="Support ticket",
        idempotency_key=f"refund:{line.pk}:{Refund.objects.count()}",
        status=status,
    )
    RefundLine.objects.create(refund=refund, line=line, amount=amount)
    if status == Refund.Status.SUCCEEDED:
        line.refunded_amount += amount
        line.save()
    return refund


def test_the_amount_is_what_the_line_cost_after_its_discount_less_what_was_refunded():
    # given a $49 course bought with $9.80 off, $10 of which was already refunded
    order, line = bought(ago=DAY, discount=980)
    refund_of(line, 1000)
    # when quoted
    [line_quote] = refund_quote(order=order, now=NOW).lines
    # then what is left of what was paid goes back
    assert (line_quote.eligible, line_quote.amount) == (True, 4900 - 980 - 1000)


def test_a_refund_on_its_way_is_not_offered_again():
    order, line = bought(ago=DAY)
    refund_of(line, 1500, status=Refund.Status.PENDING)

    assert refund_quote(order=order, now=NOW).lines[0].amount == 3400

    refund_of(line, 3400, status=Refund.Status.PENDING)
    [line_quote] = refund_quote(order=order, now=NOW).lines
    assert (line_quote.eligible, line_quote.amount, line_quote.reasons) == (False, 0, [LINE_REFUND_ON_ITS_WAY])


@pytest.mark.parametrize("status", [Refund.Status.FAILED, Refund.Status.CANCELED])
def test_a_failed_or_refused_refund_gives_its_amount_back_to_the_quote(status):
    order, line = bought(ago=DAY)
    refund_of(line, 4900, status=status)

    assert refund_quote(order=order, now=NOW).lines[0].amount == 4900


@pytest.mark.parametrize(
    ("refunded", "revoked", "reason"),
    [(4900, True, LINE_REFUNDED), (4900, False, LINE_REFUNDED), (1000, True, LINE_ACCESS_ENDED)],
)
def test_refunded_or_revoked_lines_are_not_refundable(refunded, revoked, reason):
    order, line = bought(ago=DAY)
    refund_of(line, refunded)
    line.revoked_at = NOW if revoked else None
    line.save()

    [line_quote] = refund_quote(order=order, now=NOW).lines
    assert (line_quote.eligible, line_quote.amount, line_quote.reasons) == (False, 0, [reason])


def test_a_course_whose_access_was_closed_goes_to_staff():
    order, _ = bought(ago=DAY)
    order.user.enrollments.update(status="revoked")

    [line_quote] = refund_quote(order=order, now=NOW).lines
    assert (line_quote.eligible, line_quote.amount, line_quote.reasons) == (False, 4900, [REFUND_ACCESS_CLOSED])


@pytest.mark.parametrize("status", [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED])
def test_an_unpaid_order_has_nothing_to_refund(status):
    order = OrderFactory(status=status)
    OrderLineFactory(order=order)

    quote = refund_quote(order=order, now=NOW)
    assert (quote.total, quote.automatic, quote.lines[0].reasons) == (0, False, [ORDER_NOT_PAID])


def test_a_free_line_has_nothing_to_refund():
    order, _ = bought(ago=DAY)
    free = OrderLineFactory(order=order, unit_amount=0)

    line_quote = refund_quote(order=order, now=NOW).line_for(free.pk)
    assert (line_quote.eligible, line_quote.amount, line_quote.reasons) == (False, 0, [LINE_FREE])


def test_a_kind_without_a_rule_needs_staff_review(monkeypatch):
    class Coaching(registry.ProductKind):
        kind = "coaching"
        label = "Coaching"

    monkeypatch.setitem(registry._registry, "coaching", Coaching())
    order, _ = bought(ago=DAY)
    session = OrderLineFactory(order=order, kind="coaching", ref="7", unit_amount=12000)

    quote = refund_quote(order=order, now=NOW)
    assert quote.line_for(session.pk).reasons == [LINE_NEEDS_REVIEW]
    assert (quote.automatic, quote.total) == (False, 4900 + 12000)


def test_a_kind_with_its_own_rule_is_asked(monkeypatch):
    class Mentorship(registry.ProductKind):
        kind = "mentorship"
        label = "Mentorship"

        def refund_rule(self, *, line, now):
            return registry.RefundVerdict(eligible=False, reasons=(f"Session {line.ref} already took place.",))

    monkeypatch.setitem(registry._registry, "mentorship", Mentorship())
    order, _ = bought(ago=DAY)
    booking = OrderLineFactory(order=order, kind="mentorship", ref="3", unit_amount=8000)

    assert refund_quote(order=order, now=NOW).line_for(booking.pk).reasons == ["Session 3 already took place."]


def test_a_flagged_order_goes_to_staff():
    order, _ = bought(ago=DAY)
    order.is_flagged = True
    order.save()

    [line_quote] = refund_quote(order=order, now=NOW).lines
    assert (line_quote.eligible, line_quote.reasons) == (False, [ORDER_UNDER_REVIEW])


def test_only_the_chosen_lines_of_this_order_are_quoted():
    order, _ = bought(ago=DAY)
    other = OrderLineFactory(order=order)
    stranger = OrderLineFactory()

    quote = refund_quote(order=order, line_ids=[str(other.pk), stranger.pk], now=NOW)
    assert [q.line for q in quote.lines] == [other]


class Tiered(registry.ProductKind):
    """A kind that gives back a share of the line, as bookings (tiers by notice) and contracts (pro rata) do."""

    kind = "tiered"
    label = "Tiered"

    def __init__(self, share: tuple[int, int] | None):
        self.share = share

    def refund_rule(self, *, line, now):
        if self.share is None:
            return registry.RefundVerdict(eligible=True, explanation="All of it comes back.")
        numerator, denominator = self.share
        return registry.RefundVerdict(
            eligible=True,
            amount=line.total_amount * numerator // denominator,
            explanation=f"{numerator} of {denominator} comes back.",
        )


@pytest.mark.parametrize(
    ("share", "already_refunded", "eligible", "amount"),
    [
        (None, 0, True, 8000),  # all of the line
        ((1, 2), 0, True, 4000),  # a tier: half of the line
        ((1, 2), 1000, True, 3000),  # what staff already gave back counts against the tier
        ((1, 2), 4000, False, 4000),  # the tier is used up: nothing automatic, staff may give the rest
        ((0, 1), 0, False, 8000),  # a tier worth nothing: staff decide about the whole line
        ((3, 2), 0, True, 8000),  # a kind can never grant more than the line cost
    ],
)
def test_a_kind_decides_how_much_of_the_line_comes_back(monkeypatch, share, already_refunded, eligible, amount):
    # given a paid line of 80.00 of a kind that grants `share` of it
    monkeypatch.setitem(registry._registry, "tiered", Tiered(share))
    order, _ = bought(ago=DAY)
    line = OrderLineFactory(order=order, kind="tiered", ref="1", unit_amount=8000)
    if already_refunded:
        refund = Refund.objects.create(
            order=order,
            amount=already_refunded,
            currency=order.currency,
            status=Refund.Status.SUCCEEDED,
            source=Refund.Source.STAFF,
            reason="Goodwill",
            idempotency_key=f"goodwill:{line.pk}",
        )
        RefundLine.objects.create(refund=refund, line=line, amount=already_refunded)
        line.refunded_amount = already_refunded
        line.save(update_fields=["refunded_amount"])

    # when the customer asks for a quote
    line_quote = refund_quote(order=order, now=NOW).line_for(line.pk)

    # then the kind's share, less what already went back, is automatic; otherwise staff see what is left
    assert (line_quote.eligible, line_quote.amount) == (eligible, amount)
    if share is not None and eligible:
        assert line_quote.explanation == f"{share[0]} of {share[1]} comes back."


def test_a_kind_no_longer_registered_goes_to_staff():
    order, _ = bought(ago=DAY)
    line = OrderLineFactory(order=order, kind="retired-kind", ref="1", unit_amount=8000)

    line_quote = refund_quote(order=order, now=NOW).line_for(line.pk)

    assert (line_quote.eligible, line_quote.amount, line_quote.reasons) == (False, 8000, [LINE_KIND_GONE])
