"""PDF documents (certificates, invoices) rendered from Django templates with WeasyPrint.

Templates link their stylesheets and images with `{% static %}` as usual. The
document's base URL is SITE_URL, and the URL fetcher serves those static files
from disk (the static finders, or STATIC_ROOT after collectstatic) and `data:`
URLs inline. It refuses everything else, so rendering never touches the network:
a template (or text inside it) pointing at a remote URL simply gets nothing.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger(__name__)


def _static_file(path: str) -> Path | None:
    """The file on disk behind a static path such as "css/certificate.css", if any."""
    found = finders.find(path)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class LocalStaticFetcher(URLFetcher):
    """Serves `SITE_URL + STATIC_URL + path` from disk and `data:` URLs; refuses all other URLs."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        site = urlsplit(settings.SITE_URL)
        static_prefix = urlsplit(settings.STATIC_URL).path
        if (parts.scheme, parts.netloc) == (site.scheme, site.netloc) and parts.path.startswith(static_prefix):
            local = _static_file(unquote(parts.path.removeprefix(static_prefix)))
            if local is not None:
                content_type = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=local.read_bytes(), headers={"Content-Type": content_type})
        logger.warning("PDF rendering refused to fetch %s", url)
        raise URLFetchingError(f"Not a local static file: {url}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes.

    Guarantees: no network access; relative and `{% static %}` URLs resolve to local
    static files; the output is a complete PDF document.
    """
    html = render_to_string(template_name, {"SITE_URL": settings.SITE_URL, **context})
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=LocalStaticFetcher())
    return document.write_pdf()
