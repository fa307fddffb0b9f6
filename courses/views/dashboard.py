"""`/dashboard/`: the signed-in learner's courses, progress, totals and weekly activity."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from courses.selectors.learning import (
    DASHBOARD_STATUS_FILTERS,
    LearningTotals,
    WeekCount,
    dashboard_categories,
    dashboard_enrollments,
    learning_totals,
    lessons_completed_per_week,
)
from courses.views.caching import query_values, viewer_cache_scopes
from courses.views.pagination import CountedPaginator
from innerwork.core.page_cache import cached_page, page_locale
from innerwork.core.pagination import page_for_request

DASHBOARD_PAGE_SIZE = 12
STATUS_LABELS = {"": "All", "in-progress": "In progress", "completed": "Completed"}

# Chart geometry, in SVG user units. Each SVG scales to its container, so the page carries
# two drawings of the same data: a wide one for laptops and a narrow one for phones,
# each keeping its text readable at its size (CSS shows one of them).
CHART_WIDE = (960, 250)
CHART_NARROW = (360, 230)
CHART_PADDING_TOP = 24
CHART_PADDING_BOTTOM = 32
CHART_PADDING_LEFT = 28
BAR_GAP_RATIO = 0.35
CHART_DATE_FORMAT = "M j"


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    right: float
    week: WeekCount  # or any figure with a `week_start` (the progress page's minutes per week)
    value: int  # the figure the bar draws: lessons, or minutes on the progress page
    week_label: str  # "Nov 3": formatted once here, not by a filter at each of its uses in the SVG
    is_current: bool
    is_labelled: bool


@dataclass(frozen=True)
class ChartGridLine:
    y: float
    value: int


@dataclass(frozen=True)
class WeeklyChart:
    """Bars of lessons completed per week, laid out on the server (no chart library)."""

    width: int
    height: int
    left: int
    baseline: float
    bars: list[ChartBar]
    grid: list[ChartGridLine]
    total: int
    busiest: WeekCount | None


def _nice_ceiling(value: int) -> int:
    """A round axis maximum ≥ value: 4, 8, 10, 20, 40, 50, 100…"""
    for step in (4, 8, 10, 20, 40, 50):
        if value <= step:
            return step
    magnitude = 10 ** (len(str(value)) - 1)
    return -(-value // magnitude) * magnitude


def weekly_chart(
    weeks: list[WeekCount],
    *,
    size: tuple[int, int] = CHART_WIDE,
    label_every: int = 1,
    value: Callable[[WeekCount], int] = attrgetter("lessons"),
) -> WeeklyChart:
    """Lay out one bar per week; every `label_every`-th week (counting back from this one) gets a date label.

    `value` reads the figure drawn from each week (lessons completed; the progress page draws minutes)."""
    width, height_total = size
    scale_max = _nice_ceiling(max((value(week) for week in weeks), default=0))
    plot_height = height_total - CHART_PADDING_TOP - CHART_PADDING_BOTTOM
    baseline = CHART_PADDING_TOP + plot_height
    slot = (width - CHART_PADDING_LEFT) / max(len(weeks), 1)
    bar_width = slot * (1 - BAR_GAP_RATIO)
    bars = []
    for index, week in enumerate(weeks):
        height = plot_height * value(week) / scale_max
        x = CHART_PADDING_LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            ChartBar(
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label_x=round(x + bar_width / 2, 1),
                right=round(x + bar_width, 1),
                week=week,
                value=value(week),
                week_label=format_date(week.week_start, CHART_DATE_FORMAT),
                is_current=index == len(weeks) - 1,
                is_labelled=(len(weeks) - 1 - index) % label_every == 0,
            )
        )
    grid = [
        ChartGridLine(y=round(baseline - plot_height * fraction, 1), value=round(scale_max * fraction))
        for fraction in (0.5, 1)
    ]
    busiest = max(weeks, key=value, default=None)
    return WeeklyChart(
        width=width,
        height=height_total,
        left=CHART_PADDING_LEFT,
        baseline=baseline,
        bars=bars,
        grid=grid,
        total=sum(value(week) for week in weeks),
        busiest=busiest if busiest is not None and value(busiest) else None,
    )


@lru_cache(maxsize=512)
def _weekly_chart_html(weeks: tuple[WeekCount, ...], language: str) -> SafeString:
    """The chart section (both drawings) for these weekly figures.

    Laying out and rendering some 600 SVG values was the costliest part of the dashboard.
    The markup is a pure function of the figures (and the language of the month names),
    which are the whole cache key, so a cached copy can never be stale: new progress means
    new figures, hence a new key. Per process, bounded: learners whose weeks look alike
    and every reload within a week share one rendering.
    """
    return render_to_string(
        "courses/learning/weekly_chart.html",
        {
            "chart": weekly_chart(list(weeks), size=CHART_WIDE),
            "chart_narrow": weekly_chart(list(weeks), size=CHART_NARROW, label_every=4),
        },
    )


def _rows_total(totals: LearningTotals, *, status: str, category: str) -> int | None:
    """How many courses the list shows, when the totals already say so (no category filter)."""
    if category:
        return None
    by_status = {
        "": totals.courses,
        "in-progress": totals.courses - totals.completed_courses,
        "completed": totals.completed_courses,
    }
    return by_status[status]


DASHBOARD_PARAMS = ("status", "category", "page")


@require_GET
@login_required
def dashboard(request):
    viewer, scopes = viewer_cache_scopes(request)
    return cached_page(
        request,
        "courses/dashboard.html",
        # The time zone and date decide the chart's weeks.
        key=("dashboard", viewer, page_locale(), query_values(request, DASHBOARD_PARAMS)),
        scopes=scopes,
        context=lambda: _dashboard_context(request),
    )


def _dashboard_context(request) -> dict:
    status = request.GET.get("status", "")
    status = status if status in DASHBOARD_STATUS_FILTERS else ""
    categories = list(dashboard_categories(user=request.user))
    category = request.GET.get("category", "")
    category = category if category in {c.slug for c in categories} else ""

    weeks = lessons_completed_per_week(user=request.user)
    rows = dashboard_enrollments(user=request.user, status=status or None, category_slug=category or None)
    totals = learning_totals(user=request.user)
    page_obj = CountedPaginator(rows, DASHBOARD_PAGE_SIZE, count=_rows_total(totals, status=status, category=category))
    page_obj = page_for_request(page_obj, request.GET.get("page"))
    filter_query = urlencode({key: value for key, value in {"status": status, "category": category}.items() if value})

    def link(**changes) -> str:
        params = {"status": status, "category": category, **changes}
        return urlencode({key: value for key, value in params.items() if value})

    return {
        "page_obj": page_obj,
        "enrollments": page_obj.object_list,
        "totals": totals,
        "chart_html": _weekly_chart_html(tuple(weeks), get_language()),
        "status": status,
        "category": category,
        "status_links": [(label, link(status=value), value == status) for value, label in STATUS_LABELS.items()],
        "category_links": [("All categories", link(category=""), not category)]
        + [(c.name, link(category=c.slug), c.slug == category) for c in categories],
        "is_filtered": bool(status or category),
        "page_query": filter_query,
    }
