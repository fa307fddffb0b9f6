"""The coach's own page: their conversations (those waiting for a proposal first), open proposals and contracts.

Open to a user whose coach profile is approved or waiting for approval; anyone else gets 404 (an
anonymous visitor is sent to log in first). The contracts' own pages, with their sessions, are
coaching.views.contracts and coaching.views.sessions.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coaching.selectors import coach_area, coach_profile_for_area


@login_required
@require_GET
def overview(request):
    coach = coach_profile_for_area(user=request.user)
    if coach is None:
        raise Http404("No coach area for this account")
    return render(request, "coaching/coach_area/overview.html", {"coach": coach, "area": coach_area(coach=coach)})
