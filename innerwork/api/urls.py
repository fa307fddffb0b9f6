from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from innerwork.api import api
from innerwork.core.csp import redoc_policy

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", redoc_policy(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("config", api.ConfigApi.as_view(), name="config"),
    path("customers/", api.CustomersApi.as_view(), name="customers"),
    path("customers/<str:customer_id>/", api.CustomerDetailApi.as_view(), name="customer-detail"),
    path("courses/", include("courses.api_urls")),
    path("mentors/", include("mentorship.api_urls")),
    path("bookings/", include("mentorship.api_bookings_urls")),
    path("", include("commerce.api_urls")),
    path("", include("coaching.api_urls")),
    path("enrollments/", include("courses.api_enrollments_urls")),
    # Last: any other /api/v1/ path is a 404 in the API's error shape, not the site's HTML page.
    re_path(r"^[\s\S]*$", api.UnknownUrlApi.as_view(), name="unknown"),  # any character, newlines too
]
