"""`{% line_cover line %}`: the cover of a cart, wishlist or order line, drawn by the one cover partial.

A priced line (cart, wishlist) carries its cover in its metadata; an order line keeps none, so its product
kind is asked (`ProductKind.line_cover`, e.g. a course's uploaded image). Whatever has no cover of its own
gets the generated one from its title and category, so a product looks the same here as on its own pages.
"""

from django import template

from commerce.registry import registered_kinds
from innerwork.core.covers import generated_cover, slug_variant

register = template.Library()

THUMB_SIZES = "120px"


def cover_of_line(line) -> dict:
    cover = (getattr(line, "metadata", None) or {}).get("cover")
    if cover is None and hasattr(line, "order_id"):
        kind = registered_kinds().get(line.kind)
        cover = kind.line_cover(line=line) if kind is not None else None
    return cover or generated_cover(title=line.title, variant=slug_variant(line.category))


@register.inclusion_tag("partials/cover.html")
def line_cover(line, modifier: str = "", href: str = "", sizes: str = THUMB_SIZES) -> dict:
    """`modifier` adds the page's layout class, `href` makes the cover a link, `sizes` is its drawn width."""
    return {"cover": cover_of_line(line), "modifier": modifier, "href": href, "sizes": sizes}
