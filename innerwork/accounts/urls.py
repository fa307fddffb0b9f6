from django.urls import path

from innerwork.accounts import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
]
