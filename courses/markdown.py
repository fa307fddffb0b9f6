"""Markdown written by instructors and staff, rendered to HTML that is safe to show.

Python-Markdown passes raw HTML through untouched, so its output is never trusted:
nh3 (ammonia) rebuilds it from an explicit allow-list. Anything not listed is
dropped: <script>, <style>, <iframe>, forms, event handlers (on*), style
attributes, and URLs whose scheme is not http, https or mailto (so no
`javascript:` or `data:`). Every link gets rel="noopener noreferrer".
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}

# Tags removed together with their content (their text is code or markup, never prose).
STRIPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}

ALLOWED_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "code": {"class"},
    "div": {"class"},
    "sup": {"class"},
}
# Only the classes Python-Markdown itself emits (fenced code languages are free-form, so prefix-checked below).
ALLOWED_CLASSES = {"div": {"footnote"}, "sup": {"footnote-ref"}}

URL_SCHEMES = {"http", "https", "mailto"}

# Ids from Markdown (footnotes, headings) are namespaced so they can never clash with
# or clobber the page's own ids; in-page links are rewritten to match.
ID_PREFIX = "md-"


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return ID_PREFIX + value
    if attribute == "href" and value.startswith("#"):
        return "#" + ID_PREFIX + value[1:]
    if tag == "code" and attribute == "class":
        languages = [name for name in value.split() if name.startswith("language-")]
        return " ".join(languages) or None
    if tag in ALLOWED_CLASSES and attribute == "class":
        kept = [name for name in value.split() if name in ALLOWED_CLASSES[tag]]
        return " ".join(kept) or None
    return value


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, marked safe for templates.

    Guarantees: no element or attribute outside the allow-lists above survives,
    whatever the input; the result is safe to insert into any page.
    """
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=STRIPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just rebuilt it from the allow-list
