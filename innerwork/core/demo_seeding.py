"""The demo's seam: every app seeds its own part of `manage.py seed_demo`, without the command naming it.

An app that has demo data offers a module `<app>/demo.py` with a function `seed(*, demo: DemoSeed)`.
`seed_demo` builds the shared people first (staff, the demo learner), then runs each app's `seed`
in INSTALLED_APPS order, inside its one transaction. So courses, which owns the command, never
imports mentorship (product apps never import each other), and a new app joins the demo by adding
its own `demo.py`.

Each `seed` must be idempotent like the command: rows are found by natural keys and written only when
missing or different (`DemoSeed.sync`), history (bookings, progress) is created once and then left
alone, and every write is counted in `DemoSeed.counts`, so a second run reports nothing to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from importlib.util import find_spec

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.hashers import make_password

DEMO_MODULE = "demo"
# Demo passwords are published (README), so their hashes take a fixed salt: each distinct password is
# hashed once per run (one PBKDF2 at Django's default iterations is about half a second, and the demo has
# 17 people but five passwords), and a second run finds the very same hash and writes nothing.
DEMO_PASSWORD_SALT = "innerworkdemo"  # noqa: S105 (a salt, not a secret: the passwords are in README)


@dataclass
class DemoSeed:
    """What an app's `seed` gets: the time the run started, the shared people and the run's counters.

    `notes` are lines the command prints at the end of its report (e.g. an app's demo logins).
    `payments` is True when demo purchases can be paid for real at the local Stripe emulator
    (commerce.demo); when False a seed skips what needs a payment (the command has said why).
    """

    now: datetime
    counts: Counter
    learner: object
    admin: object
    notes: list[str] = field(default_factory=list)
    payments: bool = False
    _password_hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def _password_hash(self, password: str) -> str:
        if password not in self._password_hashes:
            self._password_hashes[password] = make_password(password, salt=DEMO_PASSWORD_SALT)
        return self._password_hashes[password]

    def sync(self, model, lookup: dict, values: dict, *, create_only: dict | None = None):
        """Find a row by its natural key; create it, or update only the fields that differ. Returns (row, created)."""
        obj = model.objects.filter(**lookup).first()
        label = model._meta.verbose_name_plural
        if obj is None:
            self.counts[f"{label} created"] += 1
            return model.objects.create(**lookup, **values, **(create_only or {})), True
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            # auto_now fields (updated_at) only move when something really changed.
            auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=changed + auto_now)
            self.counts[f"{label} updated"] += 1
        return obj, False

    def person(self, *, email: str, full_name: str, time_zone: str, password: str, staff: bool = False, superuser=None):
        """A demo account that can sign in with `password` (its e-mail verified), found by e-mail."""
        from django.contrib.auth import get_user_model

        superuser = staff if superuser is None else superuser
        user, _ = self.sync(
            get_user_model(),
            {"email": email},
            {"full_name": full_name, "time_zone": time_zone, "is_staff": staff, "is_superuser": superuser},
        )
        encoded = self._password_hash(password)
        if user.password != encoded:
            user.password = encoded
            user.save(update_fields=["password"])
            self.counts["passwords set"] += 1
        # Demo accounts must be able to sign in even where e-mail verification is mandatory.
        self.sync(EmailAddress, {"user": user, "email": user.email}, {"verified": True, "primary": True})
        return user


def demo_seeders(*, exclude: tuple[str, ...] = ()) -> list[tuple[str, Callable]]:
    """(app label, its `seed` function) for every installed app whose `demo` module has one, in INSTALLED_APPS order."""
    seeders = []
    for config in apps.get_app_configs():
        if config.label in exclude or "site-packages" in config.path:  # only the project's own apps
            continue
        name = f"{config.name}.{DEMO_MODULE}"
        if find_spec(name) is None:
            continue
        seed = getattr(import_module(name), "seed", None)
        if seed is not None:
            seeders.append((config.label, seed))
    return seeders
