"""`?page=` that names no page shows page 1 or the last page, with a note saying which (innerwork.core.pagination)."""

import pytest
from django.urls import reverse

from coaching.tests.factories import CoachProfileFactory
from commerce.tests.factories import paid_order
from courses.tests.factories import CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.pagination import NOTE_NOT_A_PAGE, NOTE_PAST_THE_END
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("asked", "shown", "note"),
    [
        (None, 1, ""),
        ("", 1, ""),
        ("1", 1, ""),
        ("2", 2, ""),
        ("3", 3, ""),
        ("abc", 1, NOTE_NOT_A_PAGE.format(asked="abc")),
        ("0", 1, NOTE_NOT_A_PAGE.format(asked="0")),
        ("-1", 1, NOTE_NOT_A_PAGE.format(asked="-1")),
        ("2.5", 1, NOTE_NOT_A_PAGE.format(asked="2.5")),
        ("²", 1, NOTE_NOT_A_PAGE.format(asked="²")),
        ("x" * 300, 1, NOTE_NOT_A_PAGE.format(asked="x" * 20)),
        ("4", 3, NOTE_PAST_THE_END.format(asked="4", last=3)),
        ("99", 3, NOTE_PAST_THE_END.format(asked="99", last=3)),
        ("9" * 400, 3, NOTE_PAST_THE_END.format(asked="9" * 20, last=3)),
    ],
)
def test_catalogue_page_asked_for_gives_page_shown_and_note(client, settings, asked, shown, note):
    # given 5 courses, 2 a page: pages 1, 2 and 3
    settings.COURSES_PAGE_SIZE = 2
    CourseFactory.create_batch(5)

    # when
    response = client.get(reverse("courses:catalogue"), {} if asked is None else {"page": asked})

    # then
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert response.context["page_obj"].note == note
    assert f"Page {shown} of 3" in response.content.decode()
    if note:
        assert response.context["page_obj"].note in response.content.decode().replace("&ldquo;", "“")
    else:
        assert "pagination__note" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "courses:catalogue",
        "courses:dashboard",
        "commerce:order_list",
        "commerce:billing",
        "mentorship:mentor_list",
        "coaching:coach_list",
    ],
)
@pytest.mark.parametrize(
    ("asked", "note"),
    [
        ("99", NOTE_PAST_THE_END.format(asked="99", last=1)),
        ("abc", NOTE_NOT_A_PAGE.format(asked="abc")),
        ("-1", NOTE_NOT_A_PAGE.format(asked="-1")),
    ],
)
def test_every_paginated_page_notes_a_page_that_does_not_exist(client, url_name, asked, note):
    # given a signed-in person and one row on each list: one page everywhere
    person = UserFactory()
    EnrollmentFactory(user=person)  # its course is in the catalogue too
    paid_order(user=person)
    MentorProfileFactory(status="approved")
    CoachProfileFactory()
    client.force_login(person)

    # when
    response = client.get(reverse(url_name), {"page": asked})

    # then the page is there, on page 1 with its row, saying there is no such page
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert len(response.context["page_obj"].object_list) == 1
    assert note in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
