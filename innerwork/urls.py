from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from innerwork.core import views as core_views
from innerwork.core.csp import csp_report

handler400 = "innerwork.core.views.bad_request"
handler403 = "innerwork.core.views.permission_denied"
handler404 = "innerwork.core.views.page_not_found"
handler500 = "innerwork.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("csp-report/", csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
    path("accounts/", include("innerwork.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(("innerwork.api.urls", "api"), namespace="api")),
    # Stripe's deliveries are received by commerce's inbox (acknowledged at once, processed on a worker);
    # dj-stripe's urls stay for its url names (reverse("djstripe:djstripe_webhook_by_uuid")).
    path("stripe/", include("commerce.inbox.urls")),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("", include("commerce.urls")),
    path("", include("courses.urls")),
    path("", include("mentorship.urls")),
    path("", include("coaching.urls")),
]

if settings.SERVE_MEDIA:
    # Public uploads only (course covers); private lesson media has its own access-checking view.
    from innerwork.core.storage import serve_public_media

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_public_media)]
