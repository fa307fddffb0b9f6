from django.urls import path

from mentorship import api

urlpatterns = [
    path("", api.MentorListApi.as_view(), name="mentor-list"),
    path("<slug:slug>/", api.MentorDetailApi.as_view(), name="mentor-detail"),
    path("<slug:slug>/slots/", api.MentorSlotsApi.as_view(), name="mentor-slots"),
]
