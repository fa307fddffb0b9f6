"""The welcome e-mail a buyer gets for each course an order fulfils (courses/product_kind.py, CourseKind.fulfil)."""

import pytest
from django.core import mail

from commerce.registry import get_kind
from commerce.tests.factories import OrderFactory, OrderLineFactory
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db


def bought(course, *, user):
    order = OrderFactory(user=user, subtotal_amount=course.price_amount)
    return OrderLineFactory(order=order, ref=str(course.pk), title=course.title, unit_amount=course.price_amount)


def test_fulfilling_a_course_welcomes_the_buyer_with_what_they_will_learn(django_capture_on_commit_callbacks):
    # given a course with outcomes and a paid line for it
    course = CourseFactory(
        title="Calm Under Pressure",
        slug="calm-under-pressure",
        subtitle="Stay steady when the stakes are high.",
        instructor=UserFactory(full_name="Maya Okafor"),
        what_you_learn="Breathe through a panic\nSay no without guilt\n",
    )
    line = bought(course, user=UserFactory(email="ines@example.com", full_name="Inès Buyer"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        get_kind("course").fulfil(line=line)
    # then the buyer is enrolled and welcomed
    enrollment = Enrollment.objects.get(user=line.order.user, course=course)
    email = OutboxEmail.objects.get()
    assert email.dedup_key == f"enrollment:{enrollment.pk}:welcome:{line.pk}"
    (message,) = mail.outbox
    assert message.to == ["ines@example.com"]
    assert message.subject == "Welcome to Calm Under Pressure"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "Maya Okafor" in body
        assert "Breathe through a panic" in body
        assert "Say no without guilt" in body
        assert "http://127.0.0.1:8000/courses/calm-under-pressure/learn/" in body
    assert ">Start learning</a>" in html
    assert "What you&#x27;ll learn" in html or "What you'll learn" in html
    assert message.body.startswith("Hi Inès,")


def test_fulfilling_the_same_line_again_sends_no_second_welcome(django_capture_on_commit_callbacks):
    # given
    line = bought(CourseFactory(), user=UserFactory())
    # when fulfilment is replayed
    with django_capture_on_commit_callbacks(execute=True):
        get_kind("course").fulfil(line=line)
        get_kind("course").fulfil(line=line)
    # then
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_course_without_outcomes_skips_that_section(django_capture_on_commit_callbacks):
    line = bought(CourseFactory(what_you_learn=""), user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        get_kind("course").fulfil(line=line)
    email = OutboxEmail.objects.get()
    assert "learn:" not in email.body_text
    assert "What you" not in email.body_html


def test_the_course_kind_links_a_bought_line_to_where_learning_resumes():
    course = CourseFactory(slug="deep-work")
    line = bought(course, user=UserFactory())
    assert get_kind("course").access_url(line=line) == "/courses/deep-work/learn/"
