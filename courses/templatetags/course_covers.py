"""`{% course_cover course %}`: the one cover component (courses.covers) for a course object.

Every page that shows a course's cover draws it with these tags, so a course looks the same in the
catalogue, on its page, on the dashboard and in the cart, wishlist and orders (commerce's `line_cover`, which
asks `courses.product_kind` for an order line's cover and draws the same partial): the uploaded image
(`<img srcset sizes>`, WebP renditions made at upload) or the generated cover in its category's colour.

`modifier` adds the page's own layout class (size, corners); `href` makes the cover a link; `sizes` tells
the browser how wide the cover is drawn, so it fetches the smallest rendition that is sharp enough.
"""

from django import template

from courses.covers import cover_for

register = template.Library()

COVER_TEMPLATE = "partials/cover.html"
CARD_SIZES = "(max-width: 640px) 100vw, 400px"


@register.inclusion_tag(COVER_TEMPLATE)
def course_cover(course, modifier: str = "", href: str = "", sizes: str = CARD_SIZES) -> dict:
    """The cover of a course object: no query (its fields are on the course row)."""
    return {"cover": cover_for(course), "modifier": modifier, "href": href, "sizes": sizes}
