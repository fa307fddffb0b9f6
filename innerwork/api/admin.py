"""Staff manage partners, their keys and see their customers here.

A key is made on the "Add API key" page and shown once on the page that follows (never stored, never
put in a message or the session); it is revoked with a reason (the staff audit log keeps both the
creation and the revocation). Keys are never deleted, so the audit trail and last use stay readable.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from innerwork.api.keys import SCOPES, api_key_create, api_key_revoke
from innerwork.api.models import ApiKey, Partner, PartnerCustomer
from innerwork.core.admin_actions import ReasonActionMixin

CREATED_TEMPLATE = "admin/api/apikey_created.html"


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ["prefix", "name", "mode", "scopes", "last_used_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # made on the key's own add page, which shows it once


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email"]
    inlines = [ApiKeyInline]


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope} — {description}") for scope, description in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["partner", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ["prefix", "name", "partner", "mode", "scope_list", "last_used_at", "revoked_at"]
    list_filter = ["mode", ("revoked_at", admin.EmptyFieldListFilter), "partner"]
    search_fields = ["prefix", "name", "partner__name"]
    list_select_related = ["partner"]
    actions = ["revoke_selected"]
    reason_kept = "Kept in the staff audit log; the partner's requests with this key are refused at once."

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes"]
        return ["partner", "name", "prefix", "mode", "scopes", "last_used_at", "revoked_at", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["partner", "prefix", "mode", "scopes", "last_used_at", "revoked_at", "created_at"]

    @admin.display(description="scopes")
    def scope_list(self, api_key: ApiKey) -> str:
        return ", ".join(api_key.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # only the name can change
            return
        new = api_key_create(
            partner=form.cleaned_data["partner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=request.user,
        )
        obj.pk, obj.prefix = new.api_key.pk, new.api_key.prefix
        request._new_api_key = new  # for response_add, in this request only

    def response_add(self, request, obj, post_url_continue=None):
        new = request._new_api_key
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Your new API key",
            "api_key": new.api_key,
            "raw_key": new.raw,
        }
        return TemplateResponse(request, CREATED_TEMPLATE, context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke selected keys…", permissions=["change"])
    def revoke_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset.select_related("partner"),
            action="revoke_selected",
            title="Revoke API keys",
            required=True,
            apply=lambda api_key, reason: api_key_revoke(api_key=api_key, actor=request.user, reason=reason),
            done="Revoked {count} key{s}.",
        )

    def describe_for_reason(self, api_key: ApiKey) -> str:
        return f"{api_key} of {api_key.partner} ({', '.join(api_key.scopes)})"


@admin.register(PartnerCustomer)
class PartnerCustomerAdmin(admin.ModelAdmin):
    list_display = ["public_id", "external_id", "user", "partner", "created_user", "created_at"]
    list_filter = ["partner", "created_user"]
    search_fields = ["public_id", "external_id", "user__email"]
    list_select_related = ["partner", "user"]
    readonly_fields = ["public_id", "partner", "user", "external_id", "created_user", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # customers are made by partners, through the API

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
