"""Instructor pages: the public `/instructors/<slug>/` and the owner's `/instructors/me/edit/`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from courses.instructors.forms import InstructorProfileForm
from courses.instructors.selectors import (
    instructor_figures,
    instructor_get_for_page,
    instructor_may_edit,
    instructor_published_courses,
)
from courses.instructors.services import instructor_profile_ensure, instructor_profile_update
from courses.markdown import render_markdown
from courses.models import InstructorProfile

PROFILE_SAVED = "Your instructor page is updated."


@require_safe
def instructor_detail(request, slug):
    try:
        profile = instructor_get_for_page(slug=slug)
    except InstructorProfile.DoesNotExist:
        raise Http404("No such instructor") from None
    context = {
        "profile": profile,
        "bio_html": render_markdown(profile.bio),
        "courses": instructor_published_courses(profile=profile),
        "figures": instructor_figures(profile=profile),
        "is_own_page": request.user.is_authenticated and request.user.pk == profile.user_id,
    }
    return render(request, "courses/instructors/detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def instructor_edit(request):
    """The instructor edits their own page; somebody who teaches nothing and has no page gets a 404."""
    if not instructor_may_edit(user=request.user):
        raise Http404("You have no instructor page")
    profile = instructor_profile_ensure(user=request.user)
    form = InstructorProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        instructor_profile_update(profile=profile, data=form.cleaned_data)
        messages.success(request, PROFILE_SAVED)
        return redirect(profile)
    return render(request, "courses/instructors/edit.html", {"profile": profile, "form": form})
