"""Included under stripe/ before dj-stripe's urls, so Stripe's registered address reaches commerce.inbox.views."""

from django.conf import settings
from django.urls import path

from commerce.inbox import views

urlpatterns = [
    path("webhook/<uuid:uuid>/" if settings.APPEND_SLASH else "webhook/<uuid:uuid>", views.stripe_webhook),
]
