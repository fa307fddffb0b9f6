"""`{% course_cover course %}` and `{% line_cover line %}`: the one cover component (courses.covers).

Every page that shows a course's cover draws it with these tags, so a course looks the same in the
catalogue, on its page, on the dashboard and in the cart, wishlist and orders: the uploaded image
(`<img srcset sizes>`, WebP renditions made at upload) or the generated cover in its category's colour.

`modifier` adds the page's own layout class (size, corners); `href` makes the cover a link; `sizes` tells
the browser how wide the cover is drawn, so it fetches the smallest rendition that is sharp enough.
"""

from django import template

from courses.covers import cover_for, generated_cover, slug_variant
from courses.models import COURSE_KIND, Course

register = template.Library()

COVER_TEMPLATE = "partials/cover.html"
THUMB_SIZES = "120px"
CARD_SIZES = "(max-width: 640px) 100vw, 400px"


@register.inclusion_tag(COVER_TEMPLATE)
def course_cover(course, modifier: str = "", href: str = "", sizes: str = CARD_SIZES) -> dict:
    """The cover of a course object: no query (its fields are on the course row)."""
    return {"cover": cover_for(course), "modifier": modifier, "href": href, "sizes": sizes}


def _line_cover(line) -> dict:
    cover = (getattr(line, "metadata", None) or {}).get("cover")
    if cover is None and line.kind == COURSE_KIND and str(line.ref).isdigit():
        # An order line keeps no metadata: read the course's cover fields (one small query per course line).
        course = Course.objects.filter(pk=int(line.ref)).only("title", "category_id", "cover_renditions").first()
        if course is not None:
            cover = cover_for(course)
    return cover or generated_cover(title=line.title, variant=slug_variant(line.category))


@register.inclusion_tag(COVER_TEMPLATE)
def line_cover(line, modifier: str = "", href: str = "", sizes: str = THUMB_SIZES) -> dict:
    """The cover of a cart, wishlist or order line: its course's cover, or a generated one for other kinds."""
    return {"cover": _line_cover(line), "modifier": modifier, "href": href, "sizes": sizes}
