"""The learner's side of a course: enrolling, reading lessons, progress, certificates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseLocation

from courses import services
from courses.exercises.selectors import exercise_progress_for, lesson_exercises
from courses.markdown import render_markdown
from courses.models import Course
from courses.selectors.learning import (
    certificate_by_code,
    certificate_for_download,
    course_outline,
    enrollment_for,
    lesson_body,
    resume_lesson,
)
from innerwork.core.pdf import render_pdf

ENROLLED = "You're enrolled. Enjoy the course!"
ALREADY_ENROLLED = "You're already enrolled in this course."
LESSON_NEEDS_ENROLLMENT = "Enroll in this course to read this lesson."
ACCESS_ENDED = "Your access to this course has ended."
ACCESS_EXPIRED = "Your access to this course ended on {date}. Buy it again to continue: your progress is kept."
ACCESS_DATE_FORMAT = "j M Y"
COURSE_HAS_NO_LESSONS = "This course has no lessons yet."
LESSON_COMPLETED = "Lesson complete."
COURSE_COMPLETED = "Congratulations, you completed the course! Your certificate is ready."


def _course_or_404(request, slug: str) -> Course:
    return get_object_or_404(Course.objects.visible_to(request.user).select_related("instructor"), slug=slug)


def _no_access_message(enrollment) -> str:
    if enrollment is None:
        return LESSON_NEEDS_ENROLLMENT
    if enrollment.access_expired:
        until = date_format(timezone.localtime(enrollment.expires_at), ACCESS_DATE_FORMAT)
        return ACCESS_EXPIRED.format(date=until)
    return ACCESS_ENDED


@require_POST
@login_required
def enroll(request, slug):
    """Enroll the signed-in user in a free course, then open its first lesson."""
    course = _course_or_404(request, slug)
    existing = enrollment_for(user=request.user, course=course)
    if existing is not None and existing.has_access:
        messages.info(request, ALREADY_ENROLLED)
        return redirect("courses:resume", slug=course.slug)
    try:
        services.enrollment_enroll_free(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(course)
    messages.success(request, ENROLLED)
    return redirect("courses:resume", slug=course.slug)


@require_GET
@login_required
def resume(request, slug):
    """Continue where the learner left off (see selectors.learning.resume_lesson)."""
    course = _course_or_404(request, slug)
    enrollment = enrollment_for(user=request.user, course=course)
    if enrollment is None or not enrollment.has_access:
        messages.warning(request, _no_access_message(enrollment))
        return redirect(course)
    target = resume_lesson(enrollment=enrollment, outline=course_outline(course=course, enrollment=enrollment))
    if target is None:
        messages.info(request, COURSE_HAS_NO_LESSONS)
        return redirect(course)
    return redirect("courses:lesson", slug=course.slug, lesson_id=target.pk)


def _render_lesson(request, *, course: Course, enrollment, outline, item) -> HttpResponse:
    lesson = item.lesson
    has_access = bool(enrollment and enrollment.has_access)
    certificate = getattr(enrollment, "certificate", None) if has_access else None
    lessons_done = outline.total > 0 and outline.done == outline.total
    exercise_progress = exercise_progress_for(enrollment=enrollment, course=course) if has_access else None
    # Where the questions not yet passed are, in reading order (the pass-mark reminder links them).
    unpassed = exercise_progress.lessons_with_unpassed if exercise_progress else frozenset()
    lessons_to_retry = [entry.lesson for entry in outline.lessons if entry.lesson.pk in unpassed]
    context = {
        "course": course,
        "lesson": lesson,
        "item": item,
        "outline": outline,
        "enrollment": enrollment,
        "has_access": has_access,
        "previous_lesson": outline.previous(lesson.pk),
        "next_lesson": outline.next(lesson.pk),
        # Complete by the course's rule: with a pass mark, every lesson done is not yet the end.
        "course_complete": has_access and lessons_done and enrollment.status == enrollment.Status.COMPLETED,
        "lessons_done": has_access and lessons_done,
        "exercises": lesson_exercises(lesson=lesson, enrollment=enrollment if has_access else None),
        "exercise_progress": exercise_progress,
        "lessons_to_retry": lessons_to_retry,
        "certificate": certificate if certificate is not None and certificate.is_valid else None,
        "body_html": render_markdown(lesson_body(lesson=lesson)),
    }
    return render(request, "courses/lesson.html", context)


@require_GET
def lesson_detail(request, slug, lesson_id):
    """A lesson: preview lessons for everybody, the others for learners with access."""
    course = _course_or_404(request, slug)
    enrollment = enrollment_for(user=request.user, course=course)
    has_access = bool(enrollment and enrollment.has_access)
    outline = course_outline(course=course, enrollment=enrollment if has_access else None)
    item = outline.get(lesson_id)
    if item is None:
        raise Http404("No such lesson in this course")
    if not (has_access or item.lesson.is_preview):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        messages.warning(request, _no_access_message(enrollment))
        return redirect(course)
    if has_access:
        services.enrollment_record_visit(enrollment=enrollment, lesson=item.lesson)
    return _render_lesson(request, course=course, enrollment=enrollment, outline=outline, item=item)


# htmx swaps the page's <main> (messages, outline, lesson, progress) in place.
LESSON_REGION = "#main"


@require_POST
@login_required
def lesson_complete(request, slug, lesson_id):
    """Mark a lesson complete for the signed-in learner, then move on to the next lesson.

    On the last lesson the learner stays there and sees the completion state. With htmx
    the outcome is the same without a full page load: HX-Location fetches the next lesson
    into the page region, or the last lesson is re-rendered for the form to swap in.
    """
    course = _course_or_404(request, slug)
    outline = course_outline(course=course)
    item = outline.get(lesson_id)
    if item is None:
        raise Http404("No such lesson in this course")
    enrollment = enrollment_for(user=request.user, course=course)
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied(_no_access_message(enrollment))
    was_complete = enrollment.status == enrollment.Status.COMPLETED
    services.lesson_complete(enrollment=enrollment, lesson=item.lesson)

    next_lesson = outline.next(lesson_id)
    if next_lesson is not None:
        url = reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": next_lesson.pk})
        if request.htmx:
            return HttpResponseLocation(
                url, target=LESSON_REGION, select=LESSON_REGION, swap="outerHTML show:window:top"
            )
        return redirect(url)

    just_completed = not was_complete and enrollment.status == enrollment.Status.COMPLETED
    messages.success(request, COURSE_COMPLETED if just_completed else LESSON_COMPLETED)
    if request.htmx:
        enrollment = enrollment_for(user=request.user, course=course)
        outline = course_outline(course=course, enrollment=enrollment)
        return _render_lesson(
            request, course=course, enrollment=enrollment, outline=outline, item=outline.get(lesson_id)
        )
    return redirect("courses:lesson", slug=course.slug, lesson_id=lesson_id)


@require_GET
@login_required
def certificate_download(request, slug):
    """The signed-in learner's own certificate for this course, as a PDF; 404 for anybody else."""
    certificate = certificate_for_download(user=request.user, course_slug=slug)
    if certificate is None:
        raise Http404("No certificate for you in this course")
    verify_url = settings.SITE_URL + certificate.get_absolute_url()
    pdf = render_pdf("courses/certificate_pdf.html", {"certificate": certificate, "verify_url": verify_url})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innerwork-certificate-{slug}.pdf"'
    return response


@require_GET
def certificate_verify(request, code):
    """Public confirmation that a certificate is genuine (or no longer valid)."""
    certificate = certificate_by_code(code=code)
    if certificate is None:
        return render(request, "courses/certificate_verify.html", {"code": code}, status=404)
    return render(
        request,
        "courses/certificate_verify.html",
        {
            "certificate": certificate,
            "code": certificate.code,
            "course": certificate.enrollment.course,
            "verify_url": settings.SITE_URL + certificate.get_absolute_url(),
        },
    )
