from django.urls import path

from courses import api

urlpatterns = [
    path("", api.CourseListApi.as_view(), name="course-list"),
    path("<slug:slug>/", api.CourseDetailApi.as_view(), name="course-detail"),
]

# Mounted at /api/v1/enrollments/ (innerwork/api/urls.py).
enrollments = [
    path("", api.EnrollmentListApi.as_view(), name="enrollment-list"),
    path("<int:enrollment_id>/", api.EnrollmentDetailApi.as_view(), name="enrollment-detail"),
]
