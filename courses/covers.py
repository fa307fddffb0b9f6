"""A course's cover as every page shows it: the uploaded image's renditions, or the generated cover.

One function decides a cover's colour, letters and image (`cover_for`), and one partial draws it
(templates/partials/cover.html, through the `course_cover` / `line_cover` tags), so the catalogue,
the course page, the dashboard, the cart, the wishlist and the orders show the same cover for a course.
The result is a plain dict so the cart can carry it in a priced line's metadata.
"""

from __future__ import annotations

from django.core.files.storage import default_storage

from innerwork.core.covers import COVER_VARIANTS, generated_cover, initials, slug_variant

__all__ = ["COVER_WIDTHS", "cover_for", "cover_image", "cover_variant", "generated_cover", "initials", "slug_variant"]

# The widths pages ask for: a cart thumbnail on a phone up to a course page on a wide, dense screen.
COVER_WIDTHS = (400, 800, 1200)
# The rendition a browser without srcset gets (the widest not above this).
COVER_DEFAULT_WIDTH = 800


def cover_variant(category_id: int | None) -> int:
    """A stable colour for a generated cover, shared by every course in a category."""
    return (category_id or 0) % COVER_VARIANTS


def cover_image(renditions: list[dict]) -> dict | None:
    """src, srcset, width and height of a set of renditions (narrowest first); None without any."""
    if not renditions:
        return None
    fallback = renditions[0]
    for rendition in renditions:
        if rendition["width"] <= COVER_DEFAULT_WIDTH:
            fallback = rendition
    return {
        "src": default_storage.url(fallback["name"]),
        "srcset": ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions),
        "width": fallback["width"],
        "height": fallback["height"],
    }


def cover_for(course) -> dict:
    """The cover of a course, from fields on its own row (no query): image when uploaded, else generated."""
    cover = generated_cover(title=course.title, variant=cover_variant(course.category_id))
    cover["image"] = cover_image(course.cover_renditions or [])
    return cover
