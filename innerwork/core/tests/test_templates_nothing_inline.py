"""No site template needs what the Content-Security-Policy refuses: a style attribute or element, an inline
script, an event-handler attribute or a javascript: URL. E-mail templates are left out on purpose: mail
clients drop style sheets, so e-mails keep their inline styles (and no policy applies to them)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# E-mail bodies: templates/emails/ (ours) and templates/account/email/ (allauth's, overridden).
EMAIL_FOLDERS = ("emails", "account/email")

# What the policy refuses, each with the reason a reader of the failure needs.
REFUSED = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["'{]""", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(?!\s*</script>)", re.IGNORECASE),
    "event-handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "javascript: URL": re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE),
}
# The API docs' start-up scripts are inline on purpose: each carries the response's nonce.
NONCED_SCRIPT = re.compile(r"""<script nonce="\{\{ request\.csp_nonce \}\}">""")


def site_templates() -> list[Path]:
    """Every HTML template of the project's own: templates/ and each project app's templates/ folder."""
    roots = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        folder
        for folder in Path(settings.BASE_DIR).glob("*/templates")
        if not folder.parent.name.startswith(".") and folder.parent.name not in {"node_modules", "staticfiles"}
    ]
    roots += list(Path(settings.BASE_DIR).glob("*/*/templates"))
    found = []
    for root in roots:
        for template in sorted(root.rglob("*.html")):
            relative = template.relative_to(root).as_posix()
            if not relative.startswith(tuple(f"{folder}/" for folder in EMAIL_FOLDERS)):
                found.append(template)
    return found


def without_comments(text: str) -> str:
    """The template as it renders: Django comments ({# #} and {% comment %}) say nothing to the browser."""
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.DOTALL)
    return re.sub(r"\{#.*?#\}", "", text)


def test_the_search_finds_the_site_templates_and_leaves_out_the_emails():
    names = {path.relative_to(settings.BASE_DIR).as_posix() for path in site_templates()}
    assert "templates/base.html" in names
    assert "templates/admin/commerce/sales/report.html" in names
    assert "templates/drf_spectacular/swagger_ui.html" in names
    assert not any("/emails/" in name or "/account/email/" in name for name in names)
    assert len(names) > 150


@pytest.mark.parametrize("what", REFUSED)
def test_no_site_template_needs_what_the_policy_refuses(what):
    pattern = REFUSED[what]
    offenders = []
    for template in site_templates():
        text = without_comments(template.read_text())
        if what == "inline script":
            text = NONCED_SCRIPT.sub('<script src="(nonced)">', text)
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{template.relative_to(settings.BASE_DIR)}:{line}: {match.group(0)!r}")
    assert offenders == [], f"{what} in site templates (use a class or a static file):\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("what", "html"),
    [
        ("style attribute", '<span style="color:#2e8b4f">Revenue</span>'),
        ("style attribute", "<div class='x' STYLE = 'width: 40%'>"),
        ("style element", "<style>body { margin: 0 }</style>"),
        ("inline script", "<script>alert(1)</script>"),
        ("inline script", '<script type="module">import "x"</script>'),
        ("event-handler attribute", '<button onclick="go()">Go</button>'),
        ("javascript: URL", '<a href="javascript:void(0)">x</a>'),
    ],
)
def test_each_refused_pattern_catches_what_it_names(what, html):
    assert REFUSED[what].search(html)


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/catalogue.js" defer></script>',
        '<link rel="stylesheet" href="/static/css/site.css">',
        '<progress class="meter" value="3" max="6"></progress>',
        '<input name="online" value="1">',
        '<p data-style="calm">Stylish</p>',
    ],
)
def test_what_the_policy_allows_is_not_mistaken_for_inline_code(html):
    assert not any(pattern.search(html) for pattern in REFUSED.values())
