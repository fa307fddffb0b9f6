"""Covers and lesson files are accepted by what they contain, within the limits, and stored with renditions."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from courses import media_services
from courses.covers import cover_for
from courses.media_validation import (
    CAPTIONS_NOT_WEBVTT,
    COVER_NOT_AN_IMAGE,
    RESOURCE_CONTENT_MISMATCH,
    RESOURCE_TYPE_REFUSED,
    VIDEO_NOT_A_VIDEO,
    safe_filename,
)
from courses.tests.factories import CourseFactory, LessonFactory
from courses.tests.media_files import MP4, PDF, SVG, VTT, WEBM, image_bytes, media_dirs, noise_png, upload, zip_bytes
from innerwork.accounts.tests.factories import StaffFactory

__all__ = ["media_dirs"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]

TOO_MANY_BYTES = "The cover is"
TOO_MANY_PIXELS = "pixels; covers can be at most"


@pytest.mark.parametrize(
    ("name", "content", "refusal"),
    [
        ("cover.jpg", image_bytes("JPEG"), None),
        ("cover.png", image_bytes("PNG"), None),
        ("cover.webp", image_bytes("WEBP"), None),
        ("cover.jpeg", image_bytes("PNG"), None),  # a PNG under a .jpeg name is still a PNG: content decides
        ("huge.png", noise_png(400), TOO_MANY_BYTES),
        ("wide.png", image_bytes("PNG", size=(2100, 300)), TOO_MANY_PIXELS),
        ("notes.jpg", b"these are my notes, not a picture\n" * 20, COVER_NOT_AN_IMAGE),
        ("handout.png", PDF, COVER_NOT_AN_IMAGE),
        ("logo.svg", SVG, COVER_NOT_AN_IMAGE),
        ("anim.gif", image_bytes("GIF"), COVER_NOT_AN_IMAGE),
        ("cut.jpg", image_bytes("JPEG")[:400], COVER_NOT_AN_IMAGE),
        ("tiny.png", image_bytes("PNG", size=(200, 120)), "it needs at least 320 pixels across"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_cover_upload_is_accepted_by_its_content_within_the_limits(settings, name, content, refusal):
    # given limits of 200 KB and 2000 px a side
    settings.COURSE_COVER_MAX_BYTES = 200 * 1024
    settings.COURSE_COVER_MAX_PIXELS = 2000
    course = CourseFactory()

    # when staff upload the file
    if refusal is None:
        media_services.course_cover_set(course=course, upload=upload(name, content))
        course.refresh_from_db()
        # then it is stored with its renditions
        assert course.cover_image.name
        assert course.cover_renditions
        return
    with pytest.raises(ValidationError) as refused:
        media_services.course_cover_set(course=course, upload=upload(name, content))

    # then it is refused with a message that says why, and nothing is stored
    assert refusal in refused.value.messages[0]
    course.refresh_from_db()
    assert course.cover_image.name == ""
    assert course.cover_renditions == []


def test_cover_renditions_are_webp_at_the_widths_pages_use_and_replace_the_old_ones(
    django_capture_on_commit_callbacks,
):
    course = CourseFactory()

    media_services.course_cover_set(course=course, upload=upload("a.jpg", image_bytes("JPEG", size=(1600, 900))))
    first = [r["name"] for r in course.cover_renditions]

    assert [(r["width"], r["height"]) for r in course.cover_renditions] == [(400, 225), (800, 450), (1200, 675)]
    for name in first:
        with default_storage.open(name) as stored:
            assert stored.read(12)[8:12] == b"WEBP"

    # a narrower image gets no rendition wider than itself
    with django_capture_on_commit_callbacks(execute=True):
        media_services.course_cover_set(course=course, upload=upload("b.png", image_bytes("PNG", size=(600, 400))))
    assert [r["width"] for r in course.cover_renditions] == [400, 600]
    assert not any(default_storage.exists(name) for name in first)


def test_removing_the_cover_brings_back_the_generated_one_and_deletes_the_files(django_capture_on_commit_callbacks):
    course = CourseFactory(title="Deep Work Weeks")
    media_services.course_cover_set(course=course, upload=upload("a.jpg", image_bytes()))
    names = [course.cover_image.name, *(r["name"] for r in course.cover_renditions)]

    with django_capture_on_commit_callbacks(execute=True):
        media_services.course_cover_clear(course=course)

    course.refresh_from_db()
    assert cover_for(course)["image"] is None
    assert not any(default_storage.exists(name) for name in names)


def test_catalogue_and_course_page_serve_the_cover_with_srcset_and_sizes(client):
    course = CourseFactory(title="Calm Under Pressure")
    media_services.course_cover_set(course=course, upload=upload("a.jpg", image_bytes()))
    names = [r["name"] for r in course.cover_renditions]

    for url in (reverse("courses:catalogue"), course.get_absolute_url()):
        html = client.get(url).content.decode()
        img = re.search(r'<img class="course-cover__image"[^>]*>', html).group(0)
        assert f'srcset="/media/{names[0]} 400w, /media/{names[1]} 800w, /media/{names[2]} 1200w"' in img
        assert f'src="/media/{names[1]}"' in img
        assert 'sizes="' in img
        assert 'width="800" height="450"' in img

    # and the rendition is served as a public file
    response = client.get(f"/media/{names[0]}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"


def test_course_without_an_upload_shows_the_generated_cover():
    course = CourseFactory(title="Deep Work Weeks")

    assert cover_for(course)["image"] is None
    assert cover_for(course)["initials"] == "DW"


@pytest.mark.parametrize(
    ("name", "content", "refusal"),
    [
        ("worksheet.pdf", PDF, None),
        ("plan.docx", zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), None),
        ("budget.xlsx", zip_bytes({"xl/workbook.xml": b"<x/>"}), None),
        ("journal.odt", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}), None),
        ("bundle.zip", zip_bytes({"a.txt": b"a"}), None),
        ("prompts.txt", "Write three things you noticed — today.".encode(), None),
        ("fake.pdf", b"<html>not a pdf</html>", RESOURCE_CONTENT_MISMATCH.format(name="fake.pdf", ext="pdf")),
        ("fake.docx", PDF, RESOURCE_CONTENT_MISMATCH.format(name="fake.docx", ext="docx")),
        ("sheet.xlsx", zip_bytes({"word/document.xml": b"<w/>"}), "doesn't contain what its name says"),
        ("binary.txt", b"\x00\x01\x02", "doesn't contain what its name says"),
        ("run.exe", b"MZ\x90\x00", RESOURCE_TYPE_REFUSED.split("{")[0]),
        ("page.html", b"<script>alert(1)</script>", RESOURCE_TYPE_REFUSED.split("{")[0]),
        ("noextension", PDF, RESOURCE_TYPE_REFUSED.split("{")[0]),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_download_is_accepted_only_from_the_allowlist_when_its_content_agrees(name, content, refusal):
    lesson = LessonFactory()

    if refusal is None:
        resource = media_services.lesson_resource_add(lesson=lesson, upload=upload(name, content), title="Sheet")
        assert resource.size_bytes == len(content)
        assert resource.filename == name
        with resource.file.open("rb") as stored:
            assert stored.read() == content
        return
    with pytest.raises(ValidationError) as refused:
        media_services.lesson_resource_add(lesson=lesson, upload=upload(name, content))
    assert refusal in refused.value.messages[0]
    assert not lesson.resources.exists()


def test_download_too_big_is_refused(settings):
    settings.LESSON_RESOURCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="downloads can be at most 10"):
        media_services.lesson_resource_add(lesson=LessonFactory(), upload=upload("w.pdf", PDF))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Mindful Week 1.PDF", "mindful-week-1.pdf"),
        ("résumé notes.txt", "resume-notes.txt"),
        ('"><script>.pdf', "script.pdf"),
        (".pdf", "pdf"),
    ],
)
def test_filenames_are_sanitised(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize(
    ("name", "content", "captions", "refusal"),
    [
        ("intro.mp4", MP4, VTT, None),
        ("intro.webm", WEBM, None, None),
        ("intro.mp4", PDF, None, VIDEO_NOT_A_VIDEO),
        ("intro.mp4", MP4, b"1\n00:00:00,000 --> 00:00:02,000\nSRT, not VTT\n", CAPTIONS_NOT_WEBVTT),
    ],
    ids=["mp4-with-captions", "webm", "pdf-named-mp4", "srt-as-captions"],
)
def test_video_and_captions_are_checked_by_their_content(name, content, captions, refusal):
    lesson = LessonFactory()
    captions_upload = upload("c.vtt", captions) if captions else None

    if refusal is None:
        video = media_services.lesson_video_set(lesson=lesson, upload=upload(name, content), captions=captions_upload)
        assert video.content_type == ("video/mp4" if name.endswith("mp4") else "video/webm")
        assert bool(video.captions) == bool(captions)
        return
    with pytest.raises(ValidationError) as refused:
        media_services.lesson_video_set(lesson=lesson, upload=upload(name, content), captions=captions_upload)
    assert refused.value.messages[0] == refusal


def test_lesson_files_are_not_under_the_public_media_folder(media_dirs):
    resource = media_services.lesson_resource_add(lesson=LessonFactory(), upload=upload("w.pdf", PDF))

    assert (media_dirs / "private" / resource.file.name).exists()
    assert not (media_dirs / "media" / resource.file.name).exists()
    with pytest.raises(ValueError, match="no public URL"):
        resource.file.url  # noqa: B018


def test_staff_upload_a_cover_in_admin_and_a_renamed_file_is_refused_with_a_message(client):
    course = CourseFactory(title="Calm")
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:courses_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "cover_upload"}
    data.update(
        {
            "category": course.category_id,
            "instructor": course.instructor_id,
            "price": "49.00",
            "modules-TOTAL_FORMS": 0,
            "modules-INITIAL_FORMS": 0,
        }
    )

    refused = client.post(url, {**data, "cover_upload": upload("cover.jpg", b"plain text, renamed")})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"cover_upload": [COVER_NOT_AN_IMAGE]}
    assert escape(COVER_NOT_AN_IMAGE) in refused.content.decode()

    accepted = client.post(url, {**data, "cover_upload": upload("cover.png", image_bytes("PNG"))})
    assert accepted.status_code == 302
    course.refresh_from_db()
    assert len(course.cover_renditions) == 3


def test_staff_attach_a_download_to_a_lesson_in_admin_and_a_disguised_file_is_refused(client):
    lesson = LessonFactory(title="Breathing basics")
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("admin:courses_lessonresource_add")
    data = {"lesson": lesson.pk, "title": "Breathing log", "position": 0}

    refused = client.post(url, {**data, "upload": upload("log.pdf", b"MZ\x90\x00 an executable")})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "upload": [RESOURCE_CONTENT_MISMATCH.format(name="log.pdf", ext="pdf")]
    }
    assert not lesson.resources.exists()

    accepted = client.post(url, {**data, "upload": upload("Breathing Log.pdf", PDF)})
    assert accepted.status_code == 302
    resource = lesson.resources.get()
    assert (resource.title, resource.filename, resource.size_bytes) == ("Breathing log", "breathing-log.pdf", len(PDF))


def test_staff_attach_a_video_with_captions_in_admin(client):
    lesson = LessonFactory()
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(
        reverse("admin:courses_lessonvideo_add"),
        {
            "lesson": lesson.pk,
            "captions_language": "en",
            "captions_label": "English",
            "upload": upload("intro.mp4", MP4),
            "captions_upload": upload("intro.vtt", VTT),
        },
    )

    assert response.status_code == 302
    assert lesson.video.content_type == "video/mp4"
    assert lesson.video.captions.name.endswith(".vtt")


def test_the_kept_original_carries_no_camera_metadata_and_transparency_is_laid_on_white():
    # given a photo with EXIF (a camera model and a GPS block) and a transparent PNG
    photo = BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "Pocket Camera 3000"  # Model
    exif[0x8825] = {1: "N"}  # GPSInfo
    Image.new("RGB", (800, 450), (10, 20, 30)).save(photo, format="JPEG", exif=exif)
    clear = BytesIO()
    Image.new("RGBA", (800, 450), (0, 0, 0, 0)).save(clear, format="PNG")
    course, other = CourseFactory(), CourseFactory()

    media_services.course_cover_set(course=course, upload=upload("photo.jpg", photo.getvalue()))
    media_services.course_cover_set(course=other, upload=upload("clear.png", clear.getvalue()))

    with default_storage.open(course.cover_image.name) as stored:
        kept = stored.read()
    assert b"Pocket Camera 3000" not in kept
    assert not Image.open(BytesIO(kept)).getexif()
    with default_storage.open(other.cover_renditions[0]["name"]) as stored:
        assert Image.open(stored).convert("RGB").getpixel((5, 5)) == (255, 255, 255)
