import pytest
from django.test import RequestFactory
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


def _styled(content: bytes) -> bool:
    return b'class="site-header"' in content and b"css/site.css" in content and b"empty-state" in content


def test_an_unknown_address_gets_the_styled_404_page(client):
    # when
    response = client.get("/no-such-page/anywhere/")
    # then
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert _styled(response.content)


@pytest.mark.parametrize(
    ("status", "text"),
    [(400, b"Bad request"), (403, b"Not allowed"), (404, b"Page not found"), (500, b"Something went wrong")],
)
def test_the_project_error_handlers_render_the_styled_pages(status, text):
    # given: the handler Django itself would call for this status
    handler = get_resolver().resolve_error_handler(status)
    request = RequestFactory().get("/somewhere/")
    # when
    response = handler(request) if status == 500 else handler(request, exception=Exception("boom"))
    # then
    assert response.status_code == status
    assert text in response.content
    assert _styled(response.content)
