from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "innerwork.core"
    label = "core"
    verbose_name = "Core"


class StaffConsoleAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the staff console's own site (innerwork.core.admin_site) as `admin.site`.

    Named in INSTALLED_APPS in place of "django.contrib.admin"; not this module's default config.
    """

    default = False
    default_site = "innerwork.core.admin_site.StaffConsoleSite"
