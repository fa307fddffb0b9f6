"""Building blocks for the staff console's ModelAdmins."""

from django.contrib import admin
from django.utils.html import format_html


class ReadOnlyMixin:
    """Staff see the rows, never add, change or delete them here (services write them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def status_badge_html(*, status: str, label: str, tones: dict) -> str:
    """A record's status as the console's coloured badge; `tones` maps statuses to success/warning/info/error."""
    return format_html(
        '<span class="iw-badge iw-badge--{}" data-status="{}">{}</span>', tones.get(status, "neutral"), status, label
    )


class RecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A ModelAdmin for records written only by services (orders, requests, e-mails): staff view them, never edit.

    Actions that change such a record are buttons calling its service, each with its own permission.
    """


class RecordInline(ReadOnlyMixin, admin.TabularInline):
    """The rows of a record shown on its page (messages, events): read-only, like the record."""

    extra = 0
    can_delete = False
