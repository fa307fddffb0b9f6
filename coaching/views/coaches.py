"""The public coach pages: the list (filter by specialty and language) and a coach's page with their packages."""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coaching.models import CoachProfile
from coaching.selectors import coach_listed, coaches_listed, inquiry_between, languages_listed, specialties_listed
from innerwork.core.pagination import page_for_request

PER_PAGE = 12


@require_GET
def coach_list(request):
    specialties = list(specialties_listed())
    languages = [(code, LANG_INFO[code]["name"]) for code in languages_listed() if code in LANG_INFO]
    specialty = request.GET.get("specialty", "")
    language = request.GET.get("language", "")
    specialty = specialty if specialty in {item.slug for item in specialties} else ""
    language = language if language in dict(languages) else ""
    page_obj = page_for_request(
        Paginator(coaches_listed(specialty=specialty, language=language), PER_PAGE), request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page_obj,
        "coaches": page_obj.object_list,
        "specialties": specialties,
        "languages": languages,
        "specialty": specialty,
        "language": language,
        "is_filtered": bool(specialty or language),
        "page_query": query.urlencode(),
    }
    return render(request, "coaching/coach_list.html", context)


@require_GET
def coach_detail(request, slug: str):
    try:
        coach = coach_listed(slug=slug)
    except CoachProfile.DoesNotExist:
        raise Http404("No such coach") from None
    context = {
        "coach": coach,
        "inquiry": inquiry_between(coach=coach, student=request.user),
        "is_own_page": request.user.is_authenticated and request.user.pk == coach.user_id,
    }
    return render(request, "coaching/coach_detail.html", context)
