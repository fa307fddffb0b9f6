"""Covers and lesson media in a real browser, on a laptop (1280 px) and a phone (390 px).

The catalogue shows an uploaded cover (its srcset rendition chosen by the browser) beside a generated one;
an enrolled learner's lesson shows the video player with captions and a download that arrives as a file,
while a visitor who may not read the lesson gets a 404 for the same file. Screenshots go to
artifacts/screenshots/ to be looked at.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from courses import media_services
from courses.demo_media import DEMO_COVERS, _drawn_cover, worksheet_pdf
from courses.models import Enrollment
from courses.tests.factories import CategoryFactory, EnrollmentFactory, course_with_lessons
from courses.tests.media_files import MP4, VTT, media_dirs
from innerwork.accounts.tests.factories import PASSWORD, VerifiedUserFactory

__all__ = ["media_dirs"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_dirs")]

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _shoot(page, name: str) -> None:
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {label}"
        page.shot(f"{name}-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])


def _log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


def test_catalogue_covers_and_a_lesson_with_video_and_download(page, live_server, browser):
    # given a course with an uploaded cover and a lesson with a video, captions and a worksheet,
    # a course with only its generated cover, and a learner enrolled in the first
    mindfulness = CategoryFactory(name="Mindfulness", slug="mindfulness")
    calm = course_with_lessons(title="Calm Under Pressure", category=mindfulness, price_amount=4900)
    course_with_lessons(title="Deep Focus", category=CategoryFactory(name="Productivity", slug="productivity"))
    png = _drawn_cover(*DEMO_COVERS["calm-under-pressure"])
    media_services.course_cover_set(course=calm, upload=SimpleUploadedFile("calm.png", png))
    lesson = calm.modules.first().lessons.exclude(is_preview=True).first()
    media_services.lesson_video_set(
        lesson=lesson,
        upload=SimpleUploadedFile("intro.mp4", MP4),
        captions=SimpleUploadedFile("intro.vtt", VTT),
    )
    pdf = worksheet_pdf(("Pressure map", "1. When did pressure show up?"))
    media_services.lesson_resource_add(
        lesson=lesson, upload=SimpleUploadedFile("Pressure Map.pdf", pdf), title="Pressure map worksheet"
    )
    learner = VerifiedUserFactory(full_name="Sam Rivera")
    EnrollmentFactory(user=learner, course=calm, status=Enrollment.Status.ACTIVE)
    base = live_server.url

    # when a visitor opens the catalogue
    page.goto(f"{base}/")

    # then the uploaded cover is an image the browser loaded from its renditions, the other is generated
    image = page.locator(".course-card:has-text('Calm Under Pressure') .course-cover__image")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    expect(page.locator(".course-card:has-text('Deep Focus') .course-cover__initials")).to_have_text("DF")
    _shoot(page, "catalogue")

    # and a visitor who is not enrolled gets a 404 for the lesson's worksheet
    resource = lesson.resources.get()
    assert page.request.get(f"{base}{resource.get_absolute_url()}").status == 404

    # and the course page and the cart show the same cover
    page.goto(f"{base}{calm.get_absolute_url()}")
    expect(page.locator(".price-box .course-cover__image")).to_be_visible()
    _shoot(page, "course-page")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{base}/cart/")
    thumb = page.locator(".cart-line .course-cover__image")
    expect(thumb).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert "course-cover--image" in page.locator(".cart-line .course-cover").get_attribute("class")
    _shoot(page, "cart")

    # when the learner opens the lesson
    _log_in(page, base, learner)
    page.goto(f"{base}/courses/{calm.slug}/lessons/{lesson.pk}/")

    # then the player is there with its captions track, and the video is served to them
    video = page.locator("video[data-lesson-video]")
    expect(video).to_be_visible()
    expect(video.locator("track[kind=captions]")).to_have_attribute("label", "English")
    assert page.request.get(f"{base}{lesson.video.get_absolute_url()}").status == 200
    expect(page.locator(".lesson-download")).to_contain_text("pressure-map.pdf")
    _shoot(page, "lesson")

    # and the worksheet downloads as a file under its clean name
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pressure map worksheet").click()
    download = download_info.value
    assert download.suggested_filename == "pressure-map.pdf"
    assert Path(download.path()).read_bytes() == pdf
