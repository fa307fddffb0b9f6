"""Courses' part of `manage.py seed_demo` after the catalogue: first what needs no payment (drawn covers and a
worksheet, courses/demo_media.py; reviews and instructor pages, courses/reviews/demo.py; exercises,
courses/exercises/demo.py), then the demo learner's course orders, one of them refunded.

The catalogue, the learner's free and gifted courses and the community are seeded by the command itself;
this runs after them (innerwork.core.demo_seeding) and gives the learner's billing page and the staff sales
page something to show: orders paid at the Stripe emulator through commerce.demo (so each has a real
payment, an invoice issued by the fulfilment pipeline and enrolls the learner as a purchase does), and one
refunded by finance staff through commerce's refund pipeline (the emulator refunds the charge, a credit note
is issued and the course is closed to the learner again).

Dated when seeded: the emulator's charge is made now, and an order that claimed an earlier date would
disagree with the payment it names. Idempotent: a purchase is history, made once; it is skipped when the
learner already has an enrollment in any of its courses (bought, refunded, or enrolled some other way).
Without the emulator (`demo.payments` False) nothing is bought; the command has said why.
"""

from __future__ import annotations

from dataclasses import dataclass

from commerce.demo import demo_pay_cart, demo_pay_item
from commerce.models import Refund
from commerce.refunds import refund_start
from courses import demo_media
from courses.exercises.demo import seed_exercises
from courses.models import Course, Enrollment
from courses.product_kind import CourseKind
from courses.reviews import demo as reviews_demo
from innerwork.core.demo_seeding import DemoSeed

COURSE_KIND = CourseKind.kind


@dataclass(frozen=True)
class PurchaseSpec:
    courses: tuple[str, ...]  # Course slugs: one is bought on its own, several through the cart
    refund_reason: str = ""  # refunded in full by staff right after, for this reason


LEARNER_PURCHASES = (
    PurchaseSpec(("deep-work-weeks", "sleep-rest-recovery")),
    PurchaseSpec(
        ("speaking-with-confidence",),
        refund_reason="Bought by mistake: the learner meant Difficult Conversations and asked for their money back.",
    ),
)


def seed(*, demo: DemoSeed) -> None:
    demo_media.seed(demo=demo)
    reviews_demo.seed(demo=demo)
    seed_exercises(demo=demo)
    if not demo.payments:
        return
    for spec in LEARNER_PURCHASES:
        _purchase(demo, spec)


def _purchase(demo: DemoSeed, spec: PurchaseSpec) -> None:
    courses = list(Course.objects.filter(slug__in=spec.courses).order_by("pk"))
    if len(courses) != len(spec.courses) or Enrollment.objects.filter(user=demo.learner, course__in=courses).exists():
        return  # bought before (or a course is gone): history is made once
    items = [(COURSE_KIND, str(course.pk)) for course in courses]
    if len(items) == 1:
        order = demo_pay_item(user=demo.learner, kind=COURSE_KIND, ref=items[0][1])
    else:
        order = demo_pay_cart(user=demo.learner, items=items)
    demo.counts["course orders paid"] += 1
    if spec.refund_reason:
        refund_start(
            order=order,
            amounts=None,
            reason=spec.refund_reason,
            actor=demo.admin,
            source=Refund.Source.STAFF,
            request_key=f"demo:refund:{order.number}",
        )
        demo.counts["course orders refunded"] += 1
