"""`manage.py seed_demo`: a believable demo, the same after every run."""

import zoneinfo
from datetime import UTC, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from commerce import stripe_gateway as gateway
from commerce.exceptions import CouponError
from commerce.models import Cart, Coupon, CreditNote, Invoice, Order, OrderLine, Refund
from commerce.orders import payments_for_user
from commerce.reporting.sales import sales_report
from commerce.shop.cart import cart_add, cart_apply_coupon
from commerce.shop.selectors import cart_quote_for
from courses import demo, demo_content
from courses.models import (
    Category,
    Certificate,
    Course,
    Enrollment,
    EnrollmentEvent,
    InstructorProfile,
    Lesson,
    LessonProgress,
    Module,
    Review,
)
from innerwork.accounts.models import User
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core import demo_seeding

# Every seed here pays at this test's own emulator (never at whatever answers on STRIPE_API_HOST's default port).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_emulator_django")]

SEEDED_MODELS = (
    User,
    EmailAddress,
    Category,
    Course,
    Module,
    Lesson,
    Enrollment,
    EnrollmentEvent,
    LessonProgress,
    Certificate,
    Order,
    OrderLine,
    Refund,
    Invoice,
    CreditNote,
    Coupon,
    Review,
    InstructorProfile,
)


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    """Every field of every seeded row, keyed by model and primary key."""
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in SEEDED_MODELS}


def _learner_enrollment(slug: str) -> Enrollment:
    return Enrollment.objects.get(user__email=demo_content.LEARNER.email, course__slug=slug)


def test_seed_builds_a_catalogue_of_at_least_12_courses_in_4_categories():
    # when seeding
    _seed()

    # then the catalogue is big and varied enough to demo
    published = Course.objects.published()
    assert published.count() >= 12
    assert Category.objects.filter(courses__is_published=True).distinct().count() >= 4
    assert published.filter(price_amount=0).exists()
    assert published.filter(price_amount__gt=0).exists()
    assert published.values("level").distinct().count() >= 3
    assert set(published.values_list("currency", flat=True)) == {"usd"}
    for course in published:
        assert 3 <= course.modules.count() <= 5, course.slug
        assert course.outcomes, course.slug
        assert all(module.lessons.exists() for module in course.modules.all()), course.slug
        assert Lesson.objects.filter(module__course=course, is_preview=True).exists(), course.slug


def test_seeded_lessons_are_believable_markdown_with_durations():
    _seed()

    lessons = Lesson.objects.filter(module__course__is_published=True)
    assert lessons.count() >= 12 * 6
    for lesson in lessons:
        paragraphs = [block for block in lesson.body.split("\n\n") if block and block[0] not in "#->"]
        assert len(paragraphs) >= 3, lesson.title
        assert "\n- " in lesson.body, lesson.title  # a list
        assert "\n> " in lesson.body, lesson.title  # a quote
        assert "## " in lesson.body, lesson.title
        assert 5 <= lesson.duration_minutes <= 20, lesson.title
    assert len(set(lessons.values_list("body", flat=True))) == lessons.count()  # no copy-paste


def test_seed_creates_named_instructors_who_teach():
    _seed()

    for spec in demo_content.INSTRUCTORS.values():
        instructor = User.objects.get(email=spec.email)
        assert instructor.full_name == spec.full_name
        assert instructor.courses_taught.exists()
        assert not instructor.is_staff
    assert User.objects.filter(courses_taught__isnull=False).distinct().count() >= 3


def test_demo_instructors_have_pages_and_demo_courses_have_reviews_counted_on_them(client):
    _seed()

    for spec in demo_content.INSTRUCTORS.values():
        profile = InstructorProfile.objects.get(user__email=spec.email)
        assert profile.headline
        assert profile.bio
        assert client.get(profile.get_absolute_url()).status_code == 200
    rated = Course.objects.published().filter(rating_count__gt=0)
    assert rated.count() >= 10
    for course in rated:
        reviews = Review.objects.counted().filter(course=course)
        assert (course.rating_count, course.rating_sum) == (reviews.count(), sum(r.rating for r in reviews))
    # the demo learner has not reviewed anything yet: the journey "leave a review" starts from there
    assert not Review.objects.filter(author__email=demo_content.LEARNER.email).exists()


def test_demo_accounts_can_sign_in_with_the_published_passwords(client):
    _seed()

    assert client.login(username="learner@innerwork.test", password="innerwork-demo")
    client.logout()
    assert client.login(username="admin@innerwork.test", password="innerwork-admin")
    admin = User.objects.get(email="admin@innerwork.test")
    assert admin.is_staff
    assert admin.is_superuser
    # verified addresses, so mandatory e-mail verification does not lock the demo out
    assert EmailAddress.objects.filter(email="learner@innerwork.test", verified=True, primary=True).exists()
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("email", "role", "may_refund"),
    [("support@innerwork.test", "Support", False), ("finance@innerwork.test", "Finance", True)],
)
def test_demo_staff_have_their_role_and_only_its_rights(client, email, role, may_refund):
    _seed()

    assert client.login(username=email, password="innerwork-staff")
    member = User.objects.get(email=email)
    assert (member.is_staff, member.is_superuser) == (True, False)
    assert list(member.groups.values_list("name", flat=True)) == [role]
    assert member.has_perm("commerce.view_order")
    assert member.has_perm("commerce.refund_order") is may_refund
    assert client.get("/admin/commerce/order/").status_code == 200


def test_demo_learner_has_enrollments_at_different_stages_consistent_with_progress():
    # when seeding
    _seed()

    # then one course is not started
    not_started = _learner_enrollment("writing-to-think")
    assert not_started.status == Enrollment.Status.ACTIVE
    assert not not_started.progress.exists()

    # one is about 40 % done, its last lesson the latest one completed
    in_progress = _learner_enrollment("calm-under-pressure")
    done = in_progress.progress.count()
    total = Lesson.objects.filter(module__course=in_progress.course).count()
    assert in_progress.status == Enrollment.Status.ACTIVE
    assert round(100 * done / total) == 40
    assert in_progress.last_lesson_id == in_progress.progress.latest("completed_at").lesson_id
    assert not Certificate.objects.filter(enrollment=in_progress).exists()

    # and one is completed, every lesson done, with a certificate issued when the last one was
    completed = _learner_enrollment("the-weekly-review")
    lessons = set(Lesson.objects.filter(module__course=completed.course).values_list("id", flat=True))
    assert completed.status == Enrollment.Status.COMPLETED
    assert set(completed.progress.values_list("lesson_id", flat=True)) == lessons
    last_done = completed.progress.latest("completed_at").completed_at
    assert completed.completed_at == last_done
    certificate = completed.certificate
    assert certificate.issued_at == last_done
    assert certificate.is_valid
    assert certificate.learner_name == "Jordan Lee"
    assert certificate.course_title == completed.course.title
    assert list(completed.events.values_list("from_status", "to_status")) == [("", "active"), ("active", "completed")]


def test_learner_progress_is_spread_over_recent_weeks_for_the_dashboard_chart():
    _seed()

    now = timezone.now()
    completed_at = LessonProgress.objects.filter(enrollment__user__email=demo_content.LEARNER.email).values_list(
        "completed_at", flat=True
    )
    weeks = {moment.isocalendar()[:2] for moment in completed_at}
    assert len(weeks) >= 5
    assert all(now - timedelta(weeks=8) <= moment <= now for moment in completed_at)
    assert any(now - moment <= timedelta(days=7) for moment in completed_at)


def test_popularity_differs_between_courses():
    _seed()

    counts = {
        course.slug: course.enrollments.filter(status__in=Enrollment.HAS_ACCESS).count()
        for course in Course.objects.published()
    }
    assert len(set(counts.values())) >= 5


def test_running_seed_twice_changes_nothing():
    # given a seeded database
    _seed()
    before = _snapshot()

    # when seeding again
    output = _seed()

    # then every row of every seeded table is identical, timestamps included
    assert _snapshot() == before
    assert "nothing to change" in output


def test_reseeding_sets_back_a_changed_demo_password_and_hashes_each_password_once(client, monkeypatch):
    # given a seeded demo whose learner changed their password
    _seed()
    learner = User.objects.get(email=demo_content.LEARNER.email)
    learner.set_password("something-else")
    learner.save(update_fields=["password"])
    hashed = []
    real_make_password = demo_seeding.make_password

    def counting_make_password(password, *args, **kwargs):
        hashed.append(password)
        return real_make_password(password, *args, **kwargs)

    monkeypatch.setattr(demo_seeding, "make_password", counting_make_password)

    # when seeding again
    output = _seed()

    # then the published password works again, only that account was written, and each distinct demo
    # password was hashed once for the 17 people (not once or twice per person)
    assert "passwords set: 1" in output
    assert client.login(username=demo_content.LEARNER.email, password=demo_content.LEARNER.password)
    assert sorted(hashed) == sorted(set(hashed))
    assert len(hashed) < User.objects.filter(email__endswith="@innerwork.test").count() / 2


def test_reseeding_repairs_edited_content_but_keeps_the_learners_history():
    # given a seeded demo where the learner moved on and somebody vandalised a title
    _seed()
    in_progress = _learner_enrollment("calm-under-pressure")
    next_lesson = Lesson.objects.filter(module__course=in_progress.course).exclude(
        id__in=in_progress.progress.values("lesson_id")
    )[0]
    LessonProgress.objects.create(enrollment=in_progress, lesson=next_lesson, completed_at=timezone.now())
    Course.objects.filter(slug="deep-work-weeks").update(title="oops")

    # when seeding again
    _seed()

    # then the content is back and the learner's progress is untouched
    assert Course.objects.get(slug="deep-work-weeks").title == "Deep Work Weeks"
    assert in_progress.progress.count() == 5


def test_scale_adds_generated_courses_up_to_n_and_is_idempotent():
    # given the demo
    _seed()
    demo_courses = Course.objects.count()

    # when scaling to 40 courses, twice
    _seed("--scale", "40")
    after_first = _snapshot()
    _seed("--scale", "40")

    # then there are 40 courses, the generated ones with 10 lessons each, and the second run changed nothing
    assert Course.objects.count() == 40
    generated = Course.objects.filter(slug__startswith="practice-")
    assert generated.count() == 40 - demo_courses
    assert all(course.is_published for course in generated)
    assert {Lesson.objects.filter(module__course=course).count() for course in generated} == {10}
    assert _snapshot() == after_first


def test_scale_below_the_demo_size_adds_nothing():
    _seed()
    before = _snapshot()

    _seed("--scale", "5")

    assert _snapshot() == before


def test_negative_scale_is_refused():
    with pytest.raises(CommandError, match="--scale"):
        _seed("--scale", "-1")


def _learner_course_orders() -> list[Order]:
    learner = User.objects.get(email=demo_content.LEARNER.email)
    return list(payments_for_user(user=learner).filter(lines__kind="course").distinct().order_by("pk"))


def test_the_learner_has_course_orders_paid_at_stripe_with_invoices_and_one_refunded_with_a_credit_note():
    # when seeding with the Stripe emulator answering
    _seed()

    # then each purchase is one paid order of its courses, its payment known to the emulator, invoiced
    orders = _learner_course_orders()
    assert len(orders) == len(demo.LEARNER_PURCHASES) >= 2
    for order, spec in zip(orders, demo.LEARNER_PURCHASES, strict=True):
        slugs = {Course.objects.get(pk=line.ref).slug for line in order.lines.all()}
        assert slugs == set(spec.courses)
        assert (
            order.amount_paid
            == order.total_amount
            == sum(Course.objects.get(slug=slug).price_amount for slug in spec.courses)
        )
        assert gateway.payment_intent_retrieve(payment_intent_id=order.payment_intent_id).status == "succeeded"
        assert Invoice.objects.get(order=order).total_amount == order.total_amount
        refunds = list(Refund.objects.filter(order=order))
        if spec.refund_reason:
            # refunded in full by staff through the pipeline: the emulator refunded the charge, a credit note
            [refund] = refunds
            assert (order.status, order.amount_refunded) == (Order.Status.REFUNDED, order.total_amount)
            assert (refund.status, refund.reason, refund.source) == ("succeeded", spec.refund_reason, "staff")
            assert gateway.refund_retrieve(refund_id=refund.stripe_refund_id).status == "succeeded"
            assert refund.credit_note.invoice.order == order
            expected_access = Enrollment.Status.REFUNDED
        else:
            assert (order.status, refunds) == (Order.Status.PAID, [])
            expected_access = Enrollment.Status.ACTIVE
        for slug in spec.courses:
            assert (_learner_enrollment(slug).type, _learner_enrollment(slug).status) == (
                Enrollment.Type.PAID,
                expected_access,
            )


def test_the_billing_page_and_the_sales_figures_show_the_orders_and_the_refund(client):
    _seed()
    orders = _learner_course_orders()
    refunded = [order for order in orders if order.status == Order.Status.REFUNDED]

    # the learner's billing page lists every course order
    assert client.login(username=demo_content.LEARNER.email, password=demo_content.LEARNER.password)
    billing = client.get(reverse("commerce:billing")).content.decode()
    assert all(order.number in billing for order in orders)
    # and the staff sales figures for today count their revenue and the refund
    today = timezone.now().astimezone(UTC).date()
    report = sales_report(start=today, end=today, currency="usd", zone=UTC)
    assert report.revenue >= sum(order.amount_paid for order in orders)
    assert report.refunds == sum(order.amount_refunded for order in refunded) > 0
    client.logout()
    assert client.login(username=demo_content.ADMIN.email, password=demo_content.ADMIN.password)
    assert client.get(reverse("admin:commerce_order_sales")).status_code == 200


def test_the_seeded_catalogue_runs_to_a_second_page(client, settings):
    # given the demo catalogue, at the site's page size
    _seed()
    page_size = settings.COURSES_PAGE_SIZE
    published = set(Course.objects.published().values_list("title", flat=True))
    catalogue = reverse("courses:catalogue")

    # when a visitor reads both pages
    first = client.get(catalogue)
    second = client.get(catalogue, {"page": "2"})

    # then the first is full and links on, and the second holds the rest: every published course once
    assert len(published) > page_size
    first_titles = [course.title for course in first.context["page_obj"]]
    second_titles = [course.title for course in second.context["page_obj"]]
    assert len(first_titles) == page_size
    assert second.context["page_obj"].number == 2
    assert sorted(first_titles + second_titles) == sorted(published)
    pages = -(-len(published) // page_size)
    assert f"Page 1 of {pages}" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


# The learner's cart in each case: Deep Work Weeks ($49) and Your First Ninety Days in a New Role ($39), $88 in all.
COUPON_CART = ("deep-work-weeks", "your-first-ninety-days")


@pytest.mark.parametrize(
    ("typed", "discount", "total"),
    [
        ("WELCOME20", 1760, 7040),  # 20 % of $88
        ("welcome20 ", 1760, 7040),  # typed in any case, with a stray space
        ("TENOFF", 1000, 7800),  # $10 off the order
    ],
)
def test_the_demo_coupons_discount_a_cart_as_the_readme_says(typed, discount, total):
    # given the demo and a new customer with two courses in their cart
    _seed()
    customer = UserFactory()
    cart = Cart.objects.create(user=customer)
    for slug in COUPON_CART:
        cart_add(cart=cart, kind="course", ref=str(Course.objects.get(slug=slug).pk), user=customer)

    # when they apply the code
    coupon = cart_apply_coupon(cart=cart, code=typed, user=customer)

    # then the cart's quote takes off what README promises
    quote = cart_quote_for(cart=cart, user=customer)
    assert coupon.code == typed.strip().upper()
    assert (quote.subtotal_amount, quote.discount_amount, quote.total_amount) == (8800, discount, total)
    assert quote.coupon_error == ""


def test_the_expired_demo_coupon_is_refused_with_its_date():
    # given the demo and a cart with a course in it
    _seed()
    customer = UserFactory()
    cart = Cart.objects.create(user=customer)
    cart_add(cart=cart, kind="course", ref=str(Course.objects.get(slug=COUPON_CART[0]).pk), user=customer)

    # when the customer tries the summer code
    with pytest.raises(CouponError) as refused:
        cart_apply_coupon(cart=cart, code="SUMMER25", user=customer)

    # then it is refused, saying when it ended, and the cart keeps no code and its full price
    assert refused.value.message == "The code SUMMER25 expired on 31 August 2026."
    cart.refresh_from_db()
    assert cart.coupon_id is None
    assert cart_quote_for(cart=cart, user=customer).total_amount == 4900


def test_seeding_makes_exactly_the_three_demo_coupons_and_lists_them():
    # when seeding twice
    first = _seed()
    second = _seed()

    # then there are the three codes, made once, and each run's report names them
    assert sorted(Coupon.objects.values_list("code", "discount_type")) == [
        ("SUMMER25", "percent"),
        ("TENOFF", "fixed"),
        ("WELCOME20", "percent"),
    ]
    assert "coupons created: 3" in first
    assert "coupons created" not in second
    listed = "coupons: WELCOME20 (20 % off), TENOFF ($10 off), SUMMER25 (expired on 31 August 2026, refused)"
    assert listed in first
    assert listed in second


def test_the_learners_course_with_an_access_period_says_until_when_on_the_dashboard(client):
    # when seeding: Sleep, Rest and Recovery gives a year of access, and the learner buys it at the emulator
    _seed()
    enrollment = _learner_enrollment("sleep-rest-recovery")
    order_line = OrderLine.objects.get(order__user=enrollment.user, ref=str(enrollment.course_id))

    # then the access runs a year from the payment, and the dashboard says until when in the learner's zone
    assert enrollment.course.access_days == 365
    assert enrollment.expires_at == order_line.order.paid_at + timedelta(days=365)
    assert client.login(username=demo_content.LEARNER.email, password=demo_content.LEARNER.password)
    until = timezone.localtime(enrollment.expires_at, zoneinfo.ZoneInfo(enrollment.user.time_zone))
    assertContains(client.get(reverse("courses:dashboard")), f"Access until {until:%-d %b %Y}")
