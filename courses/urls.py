from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
