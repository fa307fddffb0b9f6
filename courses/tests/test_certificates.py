import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains

from courses import services
from courses.models import Enrollment, Lesson
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.pdf import render_pdf

pytestmark = pytest.mark.django_db


def finished_enrollment(*, user=None, **course_kwargs) -> Enrollment:
    course = course_with_lessons(modules=1, lessons_per_module=2, **course_kwargs)
    enrollment = services.enrollment_create(
        user=user or UserFactory(full_name="Ada Lovelace"), course=course, type=Enrollment.Type.FREE
    )
    for lesson in Lesson.objects.filter(module__course=course):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    return enrollment


def download_url(course):
    return reverse("courses:certificate_download", kwargs={"slug": course.slug})


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# Download


@pytest.mark.documents
def test_learner_downloads_their_certificate_as_a_pdf_with_name_course_code_and_verify_url(client):
    # given
    enrollment = finished_enrollment(title="Calm Under Pressure")
    certificate = enrollment.certificate
    client.force_login(enrollment.user)

    # when
    response = client.get(download_url(enrollment.course))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Ada Lovelace" in text
    assert "Calm Under Pressure" in text
    assert certificate.code in text
    assert settings.SITE_URL + certificate.get_absolute_url() in text.replace("\n", "")


@pytest.mark.documents
def test_certificate_pdf_is_one_a4_landscape_page():
    enrollment = finished_enrollment()
    certificate = enrollment.certificate

    content = render_pdf("courses/certificate_pdf.html", {"certificate": certificate, "verify_url": "https://x.test/"})

    page = PdfReader(io.BytesIO(content)).pages
    assert len(page) == 1
    width, height = float(page[0].mediabox.width), float(page[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_nobody_else_can_download_a_learners_certificate(client):
    # given: Ada finished; Bob is enrolled in the same course but has not
    enrollment = finished_enrollment()
    bob = UserFactory()
    services.enrollment_create(user=bob, course=enrollment.course, type=Enrollment.Type.FREE)
    client.force_login(bob)

    # when
    response = client.get(download_url(enrollment.course))

    # then
    assert response.status_code == 404


def test_staff_do_not_get_someone_elses_certificate_either(client):
    enrollment = finished_enrollment()
    client.force_login(StaffFactory())

    response = client.get(download_url(enrollment.course))

    assert response.status_code == 404


def test_learner_who_has_not_finished_gets_a_404(client):
    course = course_with_lessons(modules=1, lessons_per_module=2)
    enrollment = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.FREE)
    client.force_login(enrollment.user)

    response = client.get(download_url(course))

    assert response.status_code == 404


def test_refunded_learner_can_no_longer_download_the_certificate(client):
    enrollment = finished_enrollment()
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)
    client.force_login(enrollment.user)

    response = client.get(download_url(enrollment.course))

    assert response.status_code == 404


def test_anonymous_download_goes_to_login(client):
    enrollment = finished_enrollment()

    response = client.get(download_url(enrollment.course))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_course_slug_gives_a_404(client):
    client.force_login(UserFactory())

    response = client.get(reverse("courses:certificate_download", kwargs={"slug": "nope"}))

    assert response.status_code == 404


# Verification page


def test_verify_page_confirms_learner_course_date_and_instructor(client):
    enrollment = finished_enrollment(instructor=UserFactory(full_name="Maya Chen"))
    certificate = enrollment.certificate

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "Verified certificate")
    assertContains(response, "Ada Lovelace")
    assertContains(response, certificate.course_title)
    assertContains(response, "Maya Chen")
    assertContains(response, certificate.issued_at.strftime("%B"))
    assertContains(response, certificate.code)
    assertNotContains(response, "no longer valid")


def test_verify_accepts_the_code_in_lower_case(client):
    certificate = finished_enrollment().certificate

    response = client.get(reverse("courses:certificate_verify", kwargs={"code": certificate.code.lower()}))

    assertContains(response, "Verified certificate")


def test_verify_page_of_a_revoked_certificate_says_it_is_no_longer_valid(client):
    enrollment = finished_enrollment()
    services.enrollment_revoke(enrollment=enrollment, actor=StaffFactory(), reason="Plagiarism")

    response = client.get(enrollment.certificate.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "This certificate is no longer valid")
    assertNotContains(response, "Verified certificate")


def test_unknown_code_gives_a_styled_404(client):
    response = client.get(reverse("courses:certificate_verify", kwargs={"code": "NOSUCHCODE12"}))

    assert response.status_code == 404
    assertContains(response, "couldn't find this certificate", status_code=404)
    assertContains(response, "NOSUCHCODE12", status_code=404)
    assertContains(response, 'class="site-header"', status_code=404)


def test_verify_page_escapes_what_it_echoes(client):
    response = client.get("/certificates/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")

    assert response.status_code == 404
    assertNotContains(response, "<script>alert(1)</script>", status_code=404)


# The PDF helper


@pytest.mark.documents
def test_render_pdf_never_fetches_remote_urls(tmp_path, settings):
    # given: a template referencing a remote stylesheet and image
    (tmp_path / "remote.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<img src="http://169.254.169.254/latest/meta-data/">Hello PDF'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    fetched = []
    import urllib.request

    original = urllib.request.OpenerDirector.open

    def spy(self, url, *args, **kwargs):
        fetched.append(getattr(url, "full_url", url))
        return original(self, url, *args, **kwargs)

    urllib.request.OpenerDirector.open = spy
    try:
        # when
        content = render_pdf("remote.html", {})
    finally:
        urllib.request.OpenerDirector.open = original

    # then
    assert "Hello PDF" in pdf_text(content)
    assert not [url for url in fetched if url.startswith("http")]


def test_render_pdf_resolves_static_files_locally():
    from innerwork.core.pdf import LocalStaticFetcher

    response = LocalStaticFetcher().fetch(settings.SITE_URL + settings.STATIC_URL + "css/certificate.css")

    assert response.content_type == "text/css"
    assert b"@page" in response.read()
