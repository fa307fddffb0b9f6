"""Searching the catalogue in a browser, at laptop and phone widths (issue #14): "leader" finds the Leadership
courses, best match first; a search that finds nothing offers the closest category instead of a bare "no match".
Screenshots land in artifacts/screenshots/ to be looked at."""

import pytest

from courses.tests.test_search import LEADING, MANAGER, build_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _shoot_both(page, name):
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on a {label}"
        page.shot(f"{name}-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])


def _search(page, words):
    page.fill("#catalogue-q", words)
    page.locator("form.catalogue-search button[type=submit]").click()
    page.wait_for_load_state()


def _card_titles(page) -> list[str]:
    return page.locator(".course-card__title").all_inner_texts()


def test_searching_leader_finds_the_leadership_courses_and_a_miss_suggests_the_category(page, live_server):
    # given a catalogue with a Leadership category of two courses
    build_catalogue()
    page.set_viewport_size(VIEWPORTS["laptop"])
    page.goto(live_server.url + "/")

    # when a visitor searches for "leader"
    _search(page, "leader")

    # then both Leadership courses are listed, best match first
    assert _card_titles(page) == [LEADING, MANAGER]
    assert page.locator("#results-heading").inner_text() == "2 courses for “leader”"
    assert page.locator("#catalogue-sort").input_value() == "relevance"
    _shoot_both(page, "search-leader")

    # when they misspell it so that nothing matches
    _search(page, "leedership")

    # then the empty state says so and offers the Leadership category, which lists its courses
    assert page.get_by_role("heading", name="No courses match “leedership”").is_visible()
    browse = page.get_by_role("link", name="Browse Leadership")
    assert browse.is_visible()
    _shoot_both(page, "search-nothing-suggests")
    browse.click()
    page.wait_for_load_state()
    assert sorted(_card_titles(page)) == sorted([LEADING, MANAGER])
