"""Writing a review (`/courses/<slug>/review/`) and the reviews section of the course page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from courses.models import Course, Enrollment
from courses.reviews.forms import ReviewForm
from courses.reviews.selectors import review_of_user, reviews_for_course_page
from courses.reviews.services import review_enrollment, review_save
from innerwork.core.pagination import page_for_request

REVIEWS_PAGE_SIZE = 10
REVIEW_SAVED = "Thank you, your review is saved."
REVIEW_UPDATED = "Your review is updated."


def course_reviews_context(request, *, course: Course, enrollment: Enrollment | None) -> dict:
    """What the course page needs to show its reviews: a page of them and the viewer's own."""
    page = page_for_request(
        Paginator(reviews_for_course_page(course=course), REVIEWS_PAGE_SIZE), request.GET.get("page")
    )
    return {
        "reviews_page": page,
        "own_review": review_of_user(user=request.user, course=course),
        "may_review": bool(enrollment and enrollment.has_access),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request, slug):
    """Write or edit the learner's review; only learners with access (403 otherwise)."""
    course = get_object_or_404(Course.objects.visible_to(request.user), slug=slug)
    review_enrollment(user=request.user, course=course)  # PermissionDenied → 403 for everybody else
    existing = review_of_user(user=request.user, course=course)
    initial = {"rating": existing.rating, "text": existing.text} if existing else None
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        review_save(user=request.user, course=course, **form.cleaned_data)
        messages.success(request, REVIEW_UPDATED if existing else REVIEW_SAVED)
        return redirect(f"{course.get_absolute_url()}#reviews")
    return render(request, "courses/reviews/form.html", {"course": course, "form": form, "review": existing})
