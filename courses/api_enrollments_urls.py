"""The enrollments endpoints, mounted at /api/v1/enrollments/ (innerwork/api/urls.py includes this module by name)."""

from django.urls import path

from courses import api

urlpatterns = [
    path("", api.EnrollmentListApi.as_view(), name="enrollment-list"),
    path("<int:enrollment_id>/", api.EnrollmentDetailApi.as_view(), name="enrollment-detail"),
]
