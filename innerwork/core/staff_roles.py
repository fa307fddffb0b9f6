"""The staff roles (Support, Finance, Marketing, Admin) made again after a flushed database.

Each app gives the roles their rights on its own models in a data migration whose name ends in
`staff_roles` and that defines `create_roles(apps, schema_editor)` (commerce's 0004 makes the groups,
later apps add to them). Migrations run once; a test's flush or a demo database emptied by hand
removes the groups. `staff_roles_remake` runs every such migration's function again, in migration
order, each against the models as they were at that migration, without naming any app.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection
from django.db.migrations.loader import MigrationLoader

ROLE_MIGRATION_SUFFIX = "staff_roles"


def staff_role_migrations() -> list[tuple[str, str]]:
    """(app label, migration name) of every roles migration, in the order migrate applies them."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes()
    plan = []
    for leaf in leaves:
        for node in loader.graph.forwards_plan(leaf):
            if node not in plan:
                plan.append(node)
    return [(app, name) for app, name in plan if name.endswith(ROLE_MIGRATION_SUFFIX)]


def staff_roles_remake() -> None:
    """Give every role all the rights its migrations give it (idempotent: rights are added, never removed)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for app_label, name in staff_role_migrations():
        state = loader.project_state((app_label, name))
        module = import_module(loader.graph.nodes[(app_label, name)].__module__)
        module.create_roles(state.apps, None)


# -- Helpers for the roles migrations ----------------------------------------------------------------
# Each app's roles migration needs its app's permissions before Django creates them (after the last
# migration) and looks rights up by "app.codename". Later migrations import these two instead of
# defining their own (mentorship's 0002/0004 and commerce's predate them).


def permissions_ensure(apps, app_label: str) -> None:
    """Create `app_label`'s permissions now, against the migration's historical models (idempotent)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def permissions_named(apps, names) -> list:
    """The Permission rows for "app.codename" names; DoesNotExist for a name that has none."""
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
        for name in names
    ]
