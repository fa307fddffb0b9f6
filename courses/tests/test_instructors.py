"""Instructor pages: the public page, its figures, links and bio, and who may edit which page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.instructors.services import instructor_profile_ensure
from courses.models import Enrollment, InstructorProfile
from courses.models.instructors import NOT_A_LINKEDIN_URL
from courses.services import course_refresh_stats
from courses.tests.factories import CourseFactory, EnrollmentFactory, ReviewFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT = reverse("courses:instructor_edit")


def _page(client, profile):
    return client.get(reverse("courses:instructor", kwargs={"slug": profile.slug}))


def test_a_course_gives_its_instructor_a_page_with_a_unique_slug():
    # given two instructors with the same name
    first = UserFactory(full_name="Amara Okafor")
    second = UserFactory(full_name="Amara Okafor")

    # when each is named on a course (and the first on a second course)
    CourseFactory(instructor=first)
    CourseFactory(instructor=first)
    CourseFactory(instructor=second)

    # then each has one page, with distinct slugs
    assert InstructorProfile.objects.get(user=first).slug == "amara-okafor"
    assert InstructorProfile.objects.get(user=second).slug == "amara-okafor-2"
    assert instructor_profile_ensure(user=first).slug == "amara-okafor"
    assert InstructorProfile.objects.count() == 2


def test_instructor_page_sums_learners_and_weights_the_rating_over_published_courses(client):
    # given an instructor with two published courses and a draft
    teacher = UserFactory(full_name="Mei Tanaka")
    popular = CourseFactory(instructor=teacher, title="Popular")
    niche = CourseFactory(instructor=teacher, title="Niche")
    draft = CourseFactory(instructor=teacher, title="Secret draft", is_published=False)
    # two reviews of 5 on the popular course (their authors are learners), one of 2 on the niche one
    ReviewFactory(course=popular, rating=5)
    ReviewFactory(course=popular, rating=5)
    ReviewFactory(course=niche, rating=2)
    EnrollmentFactory(course=popular)
    EnrollmentFactory(course=popular, status=Enrollment.Status.REFUNDED)  # not a learner any more
    EnrollmentFactory(course=draft)
    ReviewFactory(course=draft, rating=1)
    course_refresh_stats(course_ids=[popular.pk, niche.pk, draft.pk])
    profile = InstructorProfile.objects.get(user=teacher)

    # when anybody opens their page
    response = _page(client, profile)

    # then it counts 2 courses, 4 learners, and 4.0 = (5 + 5 + 2) / 3, not 3.5 = the mean of the courses' means
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.courses_count, figures.learners_taught, figures.rating_count) == (2, 4, 3)
    assert figures.rating_average == 4.0
    html = response.content.decode()
    assert "4.0 ★" in html
    assert "Popular" in html
    assert "Niche" in html
    assert "Secret draft" not in html


def test_instructor_without_photo_shows_initials_and_bio_is_sanitised_markdown(client):
    teacher = UserFactory(full_name="Daniel Reyes")
    CourseFactory(instructor=teacher)
    profile = InstructorProfile.objects.get(user=teacher)
    profile.bio = 'I teach **focus**.<script>alert("x")</script><a href="javascript:alert(1)">me</a>'
    profile.website_url = "https://daniel.example"
    profile.save()

    html = _page(client, profile).content.decode()

    assert '<span class="instructor-avatar instructor-avatar--large" aria-hidden="true">DR</span>' in html
    assert "<strong>focus</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert 'href="https://daniel.example"' in html


def test_unknown_instructor_slug_is_a_404(client):
    assert client.get(reverse("courses:instructor", kwargs={"slug": "nobody"})).status_code == 404


def test_course_card_and_course_page_link_to_the_instructor_page(client):
    course = CourseFactory(instructor=UserFactory(full_name="Sofia Lindqvist"))
    url = InstructorProfile.objects.get(user=course.instructor).get_absolute_url()

    catalogue = client.get(reverse("courses:catalogue")).content.decode()
    page = client.get(course.get_absolute_url()).content.decode()

    assert f'<a href="{url}">Sofia Lindqvist</a>' in catalogue
    assert page.count(f'<a href="{url}">Sofia Lindqvist</a>') == 2  # the hero and "Your instructor"


def _person(kind: str):
    if kind == "anonymous":
        return None
    if kind == "staff":
        return StaffFactory()
    user = UserFactory(full_name="Some One")
    if kind == "teaches a course":
        CourseFactory(instructor=user, is_published=False)
    elif kind == "has a profile":
        InstructorProfile.objects.create(user=user, slug="some-one")
    elif kind == "learner":
        EnrollmentFactory(user=user)
    return user


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("anonymous", 302),
        ("learner", 404),
        ("staff", 404),  # staff edit any page in the admin, not here
        ("teaches a course", 200),
        ("has a profile", 200),
    ],
)
def test_only_people_who_teach_or_have_a_page_may_open_the_edit_page(client, kind, status):
    person = _person(kind)
    if person is not None:
        client.force_login(person)

    get = client.get(EDIT)
    post = client.post(EDIT, {"headline": "Changed"})

    assert get.status_code == status
    assert post.status_code == (302 if status == 200 else status)
    changed = InstructorProfile.objects.filter(headline="Changed")
    assert changed.exists() is (status == 200)
    if status == 200:
        assert changed.get().user == person


def test_instructor_edits_only_their_own_page(client):
    # given two instructors
    mine = CourseFactory(instructor=UserFactory()).instructor
    other = InstructorProfile.objects.get(user=CourseFactory(instructor=UserFactory()).instructor)
    client.force_login(mine)

    # when one saves the edit page (whatever they add to the form)
    response = client.post(EDIT, {"headline": "Coach of calm", "bio": "Hello *there*", "user": other.user.pk})

    # then their own page changed and the other did not
    profile = InstructorProfile.objects.get(user=mine)
    assert response["Location"] == profile.get_absolute_url()
    assert (profile.headline, profile.bio) == ("Coach of calm", "Hello *there*")
    other.refresh_from_db()
    assert other.headline == ""


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("website_url", "javascript:alert(1)", "Enter a valid URL."),
        ("website_url", "ftp://files.example/me", "Enter a valid URL."),
        ("linkedin_url", "https://evil.example/in/me", NOT_A_LINKEDIN_URL),
        ("linkedin_url", "https://www.linkedin.com.evil.example/in/me", NOT_A_LINKEDIN_URL),
        ("linkedin_url", "https://www.linkedin.com/in/me", None),
        ("website_url", "me.example", None),  # taken as https://me.example
    ],
)
def test_links_must_be_web_addresses_on_the_right_host(client, field, value, error):
    teacher = CourseFactory().instructor
    client.force_login(teacher)

    response = client.post(EDIT, {field: value})

    saved = getattr(InstructorProfile.objects.get(user=teacher), field)
    if error:
        assert response.status_code == 200
        assert error in response.context["form"].errors[field]
        assert saved == ""
    else:
        assert response.status_code == 302
        assert saved.startswith("https://")


def test_instructor_page_runs_the_same_number_of_queries_for_1_or_12_courses(client):
    teacher = UserFactory()
    CourseFactory(instructor=teacher)
    profile = InstructorProfile.objects.get(user=teacher)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, profile).status_code == 200
        return len(captured)

    small = queries()
    for _ in range(11):
        ReviewFactory(course=CourseFactory(instructor=teacher))
    assert queries() == small
