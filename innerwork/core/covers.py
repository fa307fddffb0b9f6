"""The generated cover every product shows when it has no image: two letters on one of six colours.

A course's cover (courses/covers.py) adds its uploaded image; what has no image of its own (a coaching or
mentorship line) is drawn from its title and category. templates/partials/cover.html draws either.
"""

COVER_VARIANTS = 6


def slug_variant(category_slug: str) -> int:
    """A stable colour for what has no course behind it (a coaching or mentorship line): from its category."""
    return sum(map(ord, str(category_slug))) % COVER_VARIANTS


def initials(title: str) -> str:
    """Two letters for a generated cover: "Calm Under Pressure" → "CU"."""
    words = [word for word in str(title).split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper()


def generated_cover(*, title: str, variant: int) -> dict:
    return {"title": str(title), "initials": initials(title), "variant": variant, "image": None}
