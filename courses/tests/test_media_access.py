"""A lesson's files reach only those who may read the lesson; everyone else gets a 404, never the file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import media_services
from courses.models import Enrollment
from courses.tests.factories import EnrollmentFactory, course_with_lessons
from courses.tests.media_files import MP4, PDF, VTT, media_dirs, upload
from innerwork.accounts.tests.factories import StaffFactory, UserFactory

__all__ = ["media_dirs"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]


def _lesson_with_media(*, preview: bool):
    course = course_with_lessons(modules=1, lessons_per_module=2)
    lesson = course.modules.get().lessons.get(is_preview=preview)
    media_services.lesson_video_set(lesson=lesson, upload=upload("intro.mp4", MP4), captions=upload("c.vtt", VTT))
    resource = media_services.lesson_resource_add(lesson=lesson, upload=upload("Week 1.pdf", PDF), title="Worksheet")
    return course, lesson, resource


def _urls(lesson, resource) -> dict[str, str]:
    return {
        "video": reverse("courses:lesson_video", kwargs={"lesson_id": lesson.pk}),
        "captions": reverse("courses:lesson_captions", kwargs={"lesson_id": lesson.pk}),
        "resource": reverse("courses:lesson_resource", kwargs={"lesson_id": lesson.pk, "resource_id": resource.pk}),
    }


def _viewer(who: str, course):
    if who == "anonymous":
        return None
    if who == "staff":
        return StaffFactory()
    user = UserFactory()
    statuses = {
        "enrolled": Enrollment.Status.ACTIVE,
        "completed": Enrollment.Status.COMPLETED,
        "refunded": Enrollment.Status.REFUNDED,
        "revoked": Enrollment.Status.REVOKED,
    }
    if who in statuses:
        EnrollmentFactory(user=user, course=course, status=statuses[who])
    if who == "expired":  # an access period that ended a second ago keeps the enrollment but opens nothing
        EnrollmentFactory(user=user, course=course, expires_at=timezone.now() - timedelta(seconds=1))
    if who == "access left":
        EnrollmentFactory(user=user, course=course, expires_at=timezone.now() + timedelta(days=1))
    return user


@pytest.mark.parametrize(
    ("who", "preview", "status"),
    [
        ("anonymous", False, 404),
        ("not enrolled", False, 404),
        ("refunded", False, 404),
        ("revoked", False, 404),
        ("expired", False, 404),
        ("access left", False, 200),
        ("enrolled", False, 200),
        ("completed", False, 200),
        ("staff", False, 200),
        ("anonymous", True, 200),
        ("not enrolled", True, 200),
    ],
)
def test_lesson_files_are_served_only_to_those_who_may_read_the_lesson(client, who, preview, status):
    # given a lesson (a preview or not) with a video, captions and a PDF
    course, lesson, resource = _lesson_with_media(preview=preview)
    viewer = _viewer(who, course)
    if viewer is not None:
        client.force_login(viewer)

    # when the viewer asks for each file
    for kind, url in _urls(lesson, resource).items():
        response = client.get(url)

        # then they get it, or a 404 that gives nothing away
        assert response.status_code == status, kind
        if status == 200:
            assert "private" in response["Cache-Control"]
            body = b"".join(response.streaming_content)
            assert body == {"video": MP4, "captions": VTT, "resource": PDF}[kind]


def test_a_download_is_an_attachment_under_its_sanitised_name_with_its_type(client):
    _course, lesson, resource = _lesson_with_media(preview=True)

    response = client.get(_urls(lesson, resource)["resource"])

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="week-1.pdf"'
    assert client.get(_urls(lesson, resource)["video"])["Content-Type"] == "video/mp4"


def test_an_unpublished_course_preview_lesson_is_not_served_to_visitors(client):
    course, lesson, resource = _lesson_with_media(preview=True)
    course.is_published = False
    course.save()

    assert client.get(_urls(lesson, resource)["resource"]).status_code == 404


def test_a_resource_of_another_lesson_is_not_reached_through_a_readable_one(client):
    _, preview_lesson, _ = _lesson_with_media(preview=True)
    _, _, other_resource = _lesson_with_media(preview=False)
    url = reverse("courses:lesson_resource", kwargs={"lesson_id": preview_lesson.pk, "resource_id": other_resource.pk})

    assert client.get(url).status_code == 404


def test_with_an_accel_prefix_the_web_server_streams_the_file_after_the_check(client, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private-media/"
    _, lesson, resource = _lesson_with_media(preview=True)

    response = client.get(_urls(lesson, resource)["resource"])

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private-media/{resource.file.name}"
    assert response.content == b""


def test_lesson_page_shows_the_player_with_captions_and_the_download_with_its_size(client):
    course, lesson, resource = _lesson_with_media(preview=False)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    urls = _urls(lesson, resource)

    html = client.get(reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})).content.decode()

    assert f'<source src="{urls["video"]}" type="video/mp4">' in html
    assert f'<track kind="captions" src="{urls["captions"]}" srclang="en" label="English" default>' in html
    assert f'href="{urls["resource"]}" download="week-1.pdf" data-download>Worksheet</a>' in html
    assert f"week-1.pdf · {len(PDF)}\xa0bytes" in html
    assert "/media/lessons/" not in html


def test_every_page_allows_media_from_this_site_only(client):
    policy = client.get(reverse("courses:catalogue"))["Content-Security-Policy"]

    assert "media-src 'self'" in policy


@pytest.mark.parametrize(
    ("range_header", "status", "expected"),
    [
        ("", 200, slice(None)),
        ("bytes=0-9", 206, slice(0, 10)),
        ("bytes=10-", 206, slice(10, None)),
        ("bytes=-5", 206, slice(-5, None)),
        ("bytes=20-100000", 206, slice(20, None)),
        ("bytes=0-1,4-5", 200, slice(None)),  # several ranges: the whole file
        ("bytes=100000-", 416, None),
        ("bytes=9-3", 416, None),
    ],
)
def test_video_answers_byte_ranges_so_the_player_can_seek(client, range_header, status, expected):
    _, lesson, resource = _lesson_with_media(preview=True)
    headers = {"Range": range_header} if range_header else {}

    response = client.get(_urls(lesson, resource)["video"], headers=headers)

    assert response.status_code == status
    assert response["Accept-Ranges"] == "bytes"
    if expected is None:
        assert response["Content-Range"] == f"bytes */{len(MP4)}"
        return
    body = b"".join(response.streaming_content)
    assert body == MP4[expected]
    if status == 206:
        first = expected.start if expected.start >= 0 else len(MP4) + expected.start
        assert response["Content-Range"] == f"bytes {first}-{first + len(body) - 1}/{len(MP4)}"
        assert response["Content-Length"] == str(len(body))
