"""Admin actions that ask staff for a reason first (revoke, grant, approve, deactivate…), written once.

An action returns `self.action_with_reason(...)`: the first call shows an intermediate page listing
the chosen rows and asking for the reason; the second (the page's submit) applies the action to each
row and reports how many it changed. A row the service refuses (ValidationError, PermissionDenied,
or an error with a `message`) is reported by name and the others still go through.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

ACTION_REASON_TEMPLATE = "admin/action_reason.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=255, widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def _message_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(getattr(error, "message", "") or error)


class ReasonActionMixin:
    """For a ModelAdmin: `action_with_reason` runs an action after asking for its reason."""

    # What each listed row says on the intermediate page, and where the reason is kept (help text).
    reason_kept = "Kept in the staff audit log."
    refusals: tuple[type[Exception], ...] = (ValidationError, PermissionDenied)

    def describe_for_reason(self, obj) -> str:
        return str(obj)

    def action_with_reason(
        self, request, queryset, *, action: str, title: str, required: bool, apply: Callable, done: str
    ):
        form = ReasonForm(request.POST if "apply" in request.POST else None, required=required)
        if "apply" in request.POST and form.is_valid():
            count = 0
            for obj in queryset:
                try:
                    apply(obj, form.cleaned_data["reason"])
                    count += 1
                except self.refusals as error:
                    self.message_user(request, f"{obj}: {_message_of(error)}", messages.ERROR)
            self.message_user(request, done.format(count=count, s="" if count == 1 else "s"))
            return None
        opts = self.model._meta
        rows = [(obj.pk, self.describe_for_reason(obj)) for obj in queryset]
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": title,
            "form": form,
            "rows": rows,
            "count_label": f"{len(rows)} {opts.verbose_name if len(rows) == 1 else opts.verbose_name_plural}",
            "reason_kept": self.reason_kept,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, ACTION_REASON_TEMPLATE, context)


class ApprovalActionsMixin(ReasonActionMixin):
    """Approve and deactivate profiles that staff vet (coaches; mentors can use it too), written once.

    Set `approve_permission` and override `approve_one` / `deactivate_one` to call the app's services,
    which check the permission again, lock the row and write the audit log. Deactivating needs a reason.
    """

    approve_permission = ""
    actions = ("approve_selected", "deactivate_selected")

    def approve_one(self, obj, *, actor, reason: str):
        raise NotImplementedError

    def deactivate_one(self, obj, *, actor, reason: str):
        raise NotImplementedError

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm(self.approve_permission)

    def _approval_action(self, request, queryset, *, verb: str, apply, required: bool):
        plural = self.model._meta.verbose_name_plural
        return self.action_with_reason(
            request,
            queryset,
            action=f"{verb}_selected",
            title=f"{verb.capitalize()} {plural}",
            required=required,
            apply=lambda obj, reason: apply(obj, actor=request.user, reason=reason),
            done=f"{verb.capitalize()}d {{count}} {self.model._meta.verbose_name}{{s}}.",
        )

    @admin.action(description="Approve selected %(verbose_name_plural)s…", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self._approval_action(request, queryset, verb="approve", apply=self.approve_one, required=False)

    @admin.action(description="Deactivate selected %(verbose_name_plural)s with a reason…", permissions=["approve"])
    def deactivate_selected(self, request, queryset):
        return self._approval_action(request, queryset, verb="deactivate", apply=self.deactivate_one, required=True)
