"""Staff views of calendars (editable, with their hours and overrides) and appointments (read only)."""

from django.contrib import admin

from innerwork.core.admin_tools import RecordAdmin
from innerwork.scheduling.models import Appointment, Calendar, DateOverride, WeeklyRule


class WeeklyRuleInline(admin.TabularInline):
    model = WeeklyRule
    extra = 0


class DateOverrideInline(admin.TabularInline):
    model = DateOverride
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ("owner", "time_zone", "buffer_before_minutes", "buffer_after_minutes", "min_notice_minutes")
    search_fields = ("owner__email", "owner__full_name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    inlines = [WeeklyRuleInline, DateOverrideInline]


@admin.register(Appointment)
class AppointmentAdmin(RecordAdmin):
    """Appointments are written by the scheduling services (and the apps that sell them); staff read them here."""

    list_display = ("start_at", "end_at", "host", "guest", "status", "subject", "title", "ics_sequence")
    list_filter = ("status",)
    search_fields = ("subject", "title", "host__email", "guest__email", "=ics_uid")
    date_hierarchy = "start_at"
    list_select_related = ("host", "guest")
    list_per_page = 50
