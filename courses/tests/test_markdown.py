import pytest
from django.utils.safestring import SafeString

from courses.markdown import render_markdown


def test_markdown_renders_headings_emphasis_lists_tables_and_code():
    # given
    text = (
        "# Title\n\nSome *soft* and **strong** words.\n\n1. one\n2. two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hi')\n```"
    )

    # when
    html = render_markdown(text)

    # then
    assert isinstance(html, SafeString)
    assert "<h1" in html
    assert "<em>soft</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<ol>" in html
    assert "<li>two</li>" in html
    assert "<table>" in html
    assert '<code class="language-python">' in html


def test_smart_quotes_and_dashes_are_typographic():
    assert render_markdown('"Quoted" -- and --- dashes') == "<p>“Quoted” – and — dashes</p>"


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert('x')</script>Hello", "alert"),
        ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "evil.example"),
        ("<style>body { display: none }</style>Hello", "display"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)">Click</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ("[x](javascript:alert(1))", "javascript"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<svg onload="alert(1)"></svg>', "svg"),
        ('<form action="https://evil.example"><input name="card"></form>', "input"),
        ('<p style="position: fixed; inset: 0">Overlay</p>', "style"),
        ("<object data='x.swf'></object>", "object"),
    ],
)
def test_dangerous_markup_never_survives(text, forbidden):
    html = render_markdown(text)

    assert forbidden.lower() not in html.lower()


def test_script_content_is_dropped_but_surrounding_text_is_kept():
    html = render_markdown("Before <script>steal()</script> after")

    assert "steal" not in html
    assert "Before" in html
    assert "after" in html


def test_links_are_kept_with_noopener_noreferrer():
    html = render_markdown("[Docs](https://example.com/docs) and <mailto:hi@example.com>")

    assert 'href="https://example.com/docs"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "mailto:" in html


def test_footnote_ids_are_namespaced_and_their_links_still_match():
    html = render_markdown("A claim[^1].\n\n[^1]: The source.")

    assert 'id="md-fn:1"' in html
    assert 'href="#md-fn:1"' in html
    assert 'id="fn:1"' not in html


def test_unknown_classes_are_dropped():
    html = render_markdown('<div class="overlay footnote">x</div>')

    assert 'class="footnote"' in html
    assert "overlay" not in html


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
