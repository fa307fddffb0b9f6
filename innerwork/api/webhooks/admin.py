"""Staff console for partner webhooks: endpoints (secret shown once), the event list, and the delivery log.

The log is read-only (RecordAdmin): status, tries, the partner's last answer and how long it took,
and every try below it. "Resend" (the list action, or the button on a delivery's page) needs
api.resend_webhookdelivery and goes through services.webhook_delivery_resend, which audits it.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from innerwork.api.webhooks.deliveries import event_payload
from innerwork.api.webhooks.models import (
    EVENT_TYPE_CHOICES,
    PartnerEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from innerwork.api.webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_roll_secret,
)
from innerwork.core.admin_tools import RecordAdmin
from innerwork.core.audit import staff_action_record

RESEND_PERMISSION = "api.resend_webhookdelivery"
SECRET_SHOWN_ONCE = "Signing secret for {url} (shown only now; give it to the partner): {secret}"  # noqa: S105
RESENT = "{count} deliver(ies) queued again with the same event id."


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500, assume_scheme="https", help_text=WebhookEndpoint._meta.get_field("url").help_text
    )
    event_types = forms.MultipleChoiceField(choices=EVENT_TYPE_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("partner", "url", "description", "event_types", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "partner", "is_active", "types", "secret_hint", "created_at")
    list_filter = ("is_active", "partner")
    search_fields = ("url", "partner__name", "description")
    list_select_related = ("partner",)
    readonly_fields = ("secret_hint", "created_at", "updated_at")
    actions = ["roll_secret"]

    @admin.display(description="event types")
    def types(self, obj):
        return ", ".join(obj.event_types)

    @admin.display(description="signing secret")
    def secret_hint(self, obj):
        return obj.secret_hint or "— (made when saved, shown once)"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "is_active" in form.changed_data:
                action = "webhook_endpoint.switch_on" if obj.is_active else "webhook_endpoint.switch_off"
                staff_action_record(actor=request.user, action=action, subject=obj)
            return
        created, secret = webhook_endpoint_create(
            partner=obj.partner,
            url=obj.url,
            event_types=obj.event_types,
            description=obj.description,
            is_active=obj.is_active,
        )
        obj.pk, obj.secret, obj.created_at, obj.updated_at = created.pk, secret, created.created_at, created.updated_at
        obj._state.adding = False
        staff_action_record(actor=request.user, action="webhook_endpoint.create", subject=created)
        self.message_user(request, SECRET_SHOWN_ONCE.format(url=obj.url, secret=secret), messages.WARNING)

    @admin.action(description="Give the selected endpoints a new signing secret", permissions=["change"])
    def roll_secret(self, request, queryset):
        for endpoint in queryset:
            secret = webhook_endpoint_roll_secret(endpoint=endpoint, actor=request.user)
            self.message_user(request, SECRET_SHOWN_ONCE.format(url=endpoint.url, secret=secret), messages.WARNING)


@admin.register(PartnerEvent)
class PartnerEventAdmin(RecordAdmin):
    list_display = ("public_id", "type", "partner", "created_at")
    list_filter = ("type", "partner")
    search_fields = ("=public_id", "idempotency_key")
    list_select_related = ("partner",)
    date_hierarchy = "created_at"
    fields = ("public_id", "type", "partner", "idempotency_key", "created_at", "body")
    readonly_fields = fields

    @admin.display(description="body sent")
    def body(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(json.loads(event_payload(obj)), indent=2))


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "attempted_at", "succeeded", "response_code", "response_ms", "error", "response_body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdmin):
    change_form_template = "admin/api/webhookdelivery/change_form.html"
    list_display = (
        "event_id",
        "event_type",
        "partner",
        "endpoint_url",
        "status",
        "attempts",
        "last_response_code",
        "last_response_ms",
        "last_attempt_at",
        "next_attempt_at",
    )
    list_filter = ("status", "event__type", "endpoint__partner")
    search_fields = ("=event__public_id", "endpoint__url")
    list_select_related = ("event", "endpoint__partner")
    date_hierarchy = "created_at"
    fields = (
        "event_id",
        "event_type",
        "partner",
        "endpoint_url",
        "status",
        "attempts",
        "resends",
        "last_attempt_at",
        "last_response_code",
        "last_response_ms",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["resend"]

    @admin.display(description="event", ordering="event__public_id")
    def event_id(self, obj):
        return obj.event.public_id

    @admin.display(description="type", ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description="partner", ordering="endpoint__partner__name")
    def partner(self, obj):
        return obj.endpoint.partner

    @admin.display(description="endpoint")
    def endpoint_url(self, obj):
        return obj.endpoint.url

    def has_resend_permission(self, request):
        return request.user.has_perm(RESEND_PERMISSION)

    @admin.action(description="Resend the selected deliveries now", permissions=["resend"])
    def resend(self, request, queryset):
        count = sum(webhook_delivery_resend(delivery=delivery, actor=request.user) for delivery in queryset)
        self.message_user(request, RESENT.format(count=count), messages.SUCCESS)

    def get_urls(self):
        resend = path(
            "<int:object_id>/resend/", self.admin_site.admin_view(self.resend_view), name="api_webhookdelivery_resend"
        )
        return [resend, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        can_resend = self.has_resend_permission(request)
        extra_context = {
            **(extra_context or {}),
            "resend_url": reverse("admin:api_webhookdelivery_resend", args=[object_id]) if can_resend else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def resend_view(self, request, object_id):
        """The button on a delivery's page: POST only, api.resend_webhookdelivery only (403 otherwise)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_resend_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(WebhookDelivery, pk=object_id)
        webhook_delivery_resend(delivery=delivery, actor=request.user)
        self.message_user(request, RESENT.format(count=1), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:api_webhookdelivery_change", args=[delivery.pk]))
