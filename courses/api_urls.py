from django.urls import path

from courses import api

urlpatterns = [
    path("", api.CourseListApi.as_view(), name="course-list"),
    path("<slug:slug>/", api.CourseDetailApi.as_view(), name="course-detail"),
]
