"""Turn a `?page=` value into the page to show, and say so when it is not the one asked for.

Django's `Paginator.get_page` answers "abc" with page 1 but "0", "-1" and "99" with the
last page, and says nothing either way: a customer who followed an old link sees other
rows than they expected without knowing why. `page_for_request` shows page 1 for a value
that is no page number at all (junk, zero, negative), the last page for a number past the
end, and puts a short note on the page (`page.note`, shown by `partials/pagination.html`).
"""

from django.core.paginator import Page, Paginator

NOTE_NOT_A_PAGE = "There is no page “{asked}”; this is the first page."
NOTE_PAST_THE_END = "There is no page {asked}; this is the last page, {last}."
MAX_DIGITS = 12
ASKED_SHOWN_CHARS = 20  # a junk value is echoed back, cut short so it cannot stretch the note


def page_for_request(paginator: Paginator, asked: str | None) -> Page:
    """The page `asked` names, else page 1 (junk) or the last page (too far); `page.note` says which."""
    asked = (asked or "").strip()
    is_number = asked.isascii() and asked.isdigit()  # "²" is a digit to str.isdigit, not to int()
    # A number too long to be a page (or for int() to parse cheaply) is simply past the end.
    number = int(asked[:MAX_DIGITS]) if is_number else 0
    if is_number and len(asked) > MAX_DIGITS:
        number = paginator.num_pages + 1
    if not asked:
        page, note = paginator.page(1), ""
    elif number < 1:
        page, note = paginator.page(1), NOTE_NOT_A_PAGE.format(asked=asked[:ASKED_SHOWN_CHARS])
    elif number > paginator.num_pages:
        last = paginator.num_pages
        page, note = paginator.page(last), NOTE_PAST_THE_END.format(asked=asked[:ASKED_SHOWN_CHARS], last=last)
    else:
        page, note = paginator.page(number), ""
    page.note = note
    return page
