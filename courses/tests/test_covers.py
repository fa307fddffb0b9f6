"""One cover component: a course's cover looks the same wherever it is shown, and costs no query per card."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.tests.factories import CartFactory, CartItemFactory, WishlistItemFactory, paid_order
from courses import media_services
from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory, EnrollmentFactory
from courses.tests.media_files import image_bytes, media_dirs, upload
from innerwork.accounts.tests.factories import UserFactory

__all__ = ["media_dirs"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]

COVER = re.compile(
    r'<(?:a|span)[^>]*class="course-cover course-cover--(\d)[^"]*"[^>]*>\s*'
    r'(<img class="course-cover__image"[^>]*>|<span class="course-cover__initials">[^<]*</span>)'
)
SIZES = re.compile(r' sizes="[^"]*"')


def _covers(html: str) -> list[tuple[str, str]]:
    """(colour variant, image or letters) of every cover on the page; `sizes` differs by layout, on purpose."""
    return [(variant, SIZES.sub("", inner)) for variant, inner in COVER.findall(html)]


@pytest.mark.parametrize("uploaded", [False, True], ids=["generated", "uploaded"])
def test_a_course_has_the_same_cover_in_catalogue_course_page_cart_wishlist_order_and_refund_quote(client, uploaded):
    # given a course in a category whose slug and id would once have given two different colours
    course = CourseFactory(title="Calm Under Pressure", category=CategoryFactory(slug="mindfulness"))
    if uploaded:
        media_services.course_cover_set(course=course, upload=upload("c.jpg", image_bytes()))
    buyer = UserFactory()
    client.force_login(buyer)
    CartItemFactory(cart=CartFactory(user=buyer), ref=str(course.pk))
    WishlistItemFactory(user=buyer, ref=str(course.pk))
    order = paid_order(user=buyer, lines=(4900,), titles=["Calm Under Pressure"], refs=[str(course.pk)])
    other = CourseFactory(title="Other Course")
    EnrollmentFactory(user=buyer, course=other)

    # when the buyer looks at every page that shows it
    pages = {
        "catalogue": reverse("courses:catalogue"),
        "course page": course.get_absolute_url(),
        "cart": reverse("commerce:cart"),
        "wishlist": reverse("commerce:wishlist"),
        "order": reverse("commerce:order_detail", kwargs={"number": order.number}),
        "refund quote": reverse("commerce:order_refund", kwargs={"number": order.number})
        + f"?lines={order.lines.get().pk}",
    }
    seen = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        covers = _covers(response.content.decode())
        assert covers, name
        seen[name] = covers[0] if name != "catalogue" else next(c for c in covers if "CU" in c[1] or "srcset" in c[1])

    # then it is drawn the same everywhere: one colour, and the same letters or the same image
    assert len(set(seen.values())) == 1, seen
    variant, inner = seen["cart"]
    assert int(variant) == course.category_id % 6
    if uploaded:
        assert 'class="course-cover__image"' in inner
        assert course.cover_renditions[0]["name"] in inner
    else:
        assert inner == '<span class="course-cover__initials">CU</span>'


def test_dashboard_uses_the_same_cover(client):
    course = CourseFactory(title="Calm Under Pressure")
    media_services.course_cover_set(course=course, upload=upload("c.jpg", image_bytes()))
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)

    catalogue = _covers(client.get(reverse("courses:catalogue")).content.decode())[0]
    dashboard = _covers(client.get(reverse("courses:dashboard")).content.decode())[0]

    assert catalogue[0] == dashboard[0]
    assert re.search(r'srcset="([^"]+)"', catalogue[1]).group(1) == re.search(r'srcset="([^"]+)"', dashboard[1]).group(
        1
    )


def _catalogue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("courses:catalogue")).status_code == 200
    return len(captured)


def test_catalogue_costs_the_same_queries_with_uploaded_covers_as_without(client):
    # given 12 courses with generated covers
    courses = [CourseFactory() for _ in range(12)]
    without = _catalogue_queries(client)

    # when half of them get uploaded covers
    for course in courses[::2]:
        media_services.course_cover_set(course=course, upload=upload("c.png", image_bytes("PNG", size=(500, 300))))
    html = client.get(reverse("courses:catalogue")).content.decode()

    # then the page shows them and costs exactly as many queries
    assert html.count('class="course-cover__image"') == 6
    assert _catalogue_queries(client) == without
    assert Course.objects.exclude(cover_renditions=[]).count() == 6
