"""Whole rendered pages in the shared cache, invalidated exactly by version tokens.

A page is stored under a key made of its own inputs (view, validated parameters, who is
looking), together with the *version tokens*, current when it was rendered, of every scope
of data it shows, for example "catalogue" (courses, modules, lessons, categories,
instructors) and "user:42" (that person's enrollments, progress, certificates, cart,
wishlist and account). Whatever writes such data retires the scope's token
(`scopes_changed`); a stored page is served only while its tokens are still the current
ones (read in the same round trip), otherwise it is rendered afresh and replaced.

Which write retires which scope is declared once per app, in `<app>/page_cache.py`,
imported from the app's `AppConfig.ready()`:

    # Shared data: every write to these tables, by any code path, retires the scope.
    watch_tables(Course, Lesson, scope=CATALOGUE)
    # Somebody's data: each save or delete of a row retires the scopes of whoever it belongs to.
    watch(WishlistItem, scopes=lambda item: user_scope(item.user_id))

A writer that changes watched rows without model signals (`QuerySet.update`,
`bulk_create`) on a `watch`ed model calls `instance_changed(instance)`; the declaration
still decides the scopes.

Guarantees
- Versions are read before any data: a page is stored under tokens at least as old as
  the rows it shows, so a newer token never serves older rows.
- A token is retired at once and again after the surrounding transaction commits: a
  reader who saw the first new token but still read the old (uncommitted) rows stored
  its page under a token that the commit retires.
- Tokens are random, never counters: a token lost from the cache (eviction, restart)
  comes back as a new random one, so no page stored under an old one matches again.
- Tables whose every write must retire a scope (`watch_tables`) are watched at the
  database connection: any INSERT, UPDATE, DELETE or TRUNCATE on them, including
  `QuerySet.update`, `bulk_create`, admin bulk actions and migrations, retires it.
- A `watch`ed model retires the declared scopes of the row after every save and delete
  through the ORM (fixtures loaded with loaddata included), and the scopes of every app
  that watches it together.
- CSRF tokens are never cached: pages are rendered with a placeholder that each response
  replaces with the viewer's own token. Pages with messages waiting are not cached at all.
- Needs one cache shared by every server process (Redis): a per-process cache cannot see
  another process retire a token. `PAGE_CACHE` is therefore on by default only with REDIS_URL.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Rendered where {% csrf_token %} puts the token; replaced per response by the viewer's own.
CSRF_PLACEHOLDER = "iw-page-cache-csrf-7b1e0c94a5d2"
# Tokens outlive the pages stored under them; if one expires anyway, a new random one is drawn.
VERSION_SECONDS = 60 * 60 * 24 * 7
_VERSION_PREFIX = "page:v:"
_PAGE_PREFIX = "page:html:"


# Scope names. One global scope for the catalogue; one per person and per visitor cart.
CATALOGUE = "catalogue"


def user_scope(user_id) -> str:
    """A signed-in person's own data: enrollments, progress, certificates, cart, wishlist, account."""
    return f"user:{user_id}"


def visitor_cart_scope(token: str) -> str:
    """An anonymous visitor's cart, by the token their session holds."""
    return f"cart:{token}"


def page_cache_enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def _version_key(scope: str) -> str:
    return _VERSION_PREFIX + scope


def _new_token() -> str:
    return secrets.token_hex(8)


def _read_with_versions(scopes: Iterable[str], *other_keys: str) -> tuple[dict[str, str], dict] | None:
    """The current token of each scope and the values of `other_keys`, in one cache round trip.

    A scope without a token gets a new random one. None if the cache cannot say.
    """
    version_keys = {_version_key(scope): scope for scope in scopes}
    try:
        found = cache.get_many([*version_keys, *other_keys])
        for key in version_keys.keys() - found.keys():
            # add() only writes when nobody else did in between; then read whichever token won.
            token = _new_token()
            found[key] = token if cache.add(key, token, VERSION_SECONDS) else cache.get(key)
    except Exception:
        logger.exception("page cache: could not read version tokens")
        return None
    versions = {scope: found.get(key) for key, scope in version_keys.items()}
    if any(token is None for token in versions.values()):
        return None
    return versions, found


def _retire(scopes: tuple[str, ...]) -> None:
    try:
        cache.set_many({_version_key(scope): _new_token() for scope in scopes}, VERSION_SECONDS)
    except Exception:
        # The write itself stands; its pages may be served stale until they expire (PAGE_CACHE_SECONDS).
        logger.exception("page cache: could not retire %s", ", ".join(scopes))


def scopes_changed(*scopes: str | None, using: str = "default") -> None:
    """Retire the tokens of `scopes` now and, inside a transaction, again once it commits."""
    scopes = tuple(sorted({scope for scope in scopes if scope}))
    if not scopes:
        return
    # Retired even where PAGE_CACHE is off (a management command, a worker): the web
    # processes sharing this cache may be serving pages.
    _retire(scopes)
    if connections[using].in_atomic_block:
        transaction.on_commit(lambda: _retire(scopes), using=using, robust=True)


# --- Declaring what retires which scope -------------------------------------------------

ScopeNames = str | Iterable[str | None] | None


@dataclass(frozen=True)
class _Watch:
    scopes: Callable[[Model], ScopeNames]
    ignore_fields: frozenset[str]


_watches: dict[type[Model], list[_Watch]] = {}
_table_scopes: dict[str, str] = {}  # '"courses_course"' → "catalogue"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


def _names(scopes: ScopeNames) -> tuple[str | None, ...]:
    return (scopes,) if scopes is None or isinstance(scopes, str) else tuple(scopes)


def watch(model: type[Model], *, scopes: Callable[[Model], ScopeNames], ignore_fields: Iterable[str] = ()) -> None:
    """Retire `scopes(instance)` after every save and delete of a `model` row through the ORM.

    For data that belongs to somebody: `scopes` says whose it is (a scope name, several, or
    None for none), e.g. `lambda item: user_scope(item.user_id)`. A save whose
    `update_fields` all lie in `ignore_fields` (fields no page shows) retires nothing.
    Several apps may watch one model; each write retires all their scopes at once.
    Writes that send no model signals must call `instance_changed`; for shared data that
    any code may write in bulk, `watch_tables` is the safer declaration.
    """
    _watches.setdefault(model, []).append(_Watch(scopes=scopes, ignore_fields=frozenset(ignore_fields)))
    uid = f"page_cache:{model._meta.label}"
    post_save.connect(_row_written, sender=model, dispatch_uid=uid)
    post_delete.connect(_row_written, sender=model, dispatch_uid=uid)


def instance_changed(instance: Model, *, using: str = "default") -> None:
    """Retire what the declarations of `instance`'s model say, for a write that sent no signal."""
    _retire_declared(instance, _watches.get(type(instance), ()), using=using)


def _retire_declared(instance: Model, watches: Iterable[_Watch], *, using: str) -> None:
    scopes_changed(*(name for declared in watches for name in _names(declared.scopes(instance))), using=using)


def _row_written(sender, instance, using="default", update_fields=None, **kwargs) -> None:
    watches = _watches.get(sender, ())
    if update_fields is not None:
        watches = [declared for declared in watches if not set(update_fields) <= declared.ignore_fields]
    _retire_declared(instance, watches, using=using)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    statement = sql.lstrip()[:8].upper() if isinstance(sql, str) else ""
    if statement.startswith(_WRITE_VERBS):
        # A watched table named anywhere in a write (even in a subquery) retires its scope:
        # retiring too often costs a render, never a stale page. A write the database says changed no
        # row (rowcount 0: deleting an account's absent instructor profile, a refresh that found nothing
        # new) changed no page; an unknown count (-1) retires.
        touched = {scope for table, scope in _table_scopes.items() if table in sql}
        if touched and getattr(context.get("cursor"), "rowcount", -1) != 0:
            scopes_changed(*touched, using=context["connection"].alias)
    return result


def _install(connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_tables(*models: type[Model], scope: str) -> None:
    """Retire `scope` after every write to the tables of `models`, by any code path.

    For data shared by everybody (one global scope): the statement is seen at the database
    connection, so queryset updates, bulk inserts, admin actions and migrations count too.
    It cannot tell whose a row is; per-person data is declared with `watch`.
    """
    _table_scopes.update({f'"{model._meta.db_table}"': scope for model in models})
    connection_created.connect(_install, dispatch_uid="page_cache_watch_writes")
    for connection in connections.all(initialized_only=True):
        _install(connection)


# --- Serving pages ------------------------------------------------------------------------


def _page_key(parts: Iterable[object], scopes: Iterable[str]) -> str:
    material = repr((tuple(parts), sorted(scopes)))
    return _PAGE_PREFIX + hashlib.sha256(material.encode()).hexdigest()


def _has_messages(request) -> bool:
    return len(get_messages(request)) > 0


def page_locale() -> tuple[str, str, str]:
    """Language, time zone and today's date there: what dates and weeks on a page depend on."""
    return get_language(), timezone.get_current_timezone_name(), timezone.localdate().isoformat()


def cached_page(
    request,
    template_name: str,
    *,
    key: Iterable[object],
    scopes: Iterable[str],
    context: Callable[[], dict],
) -> HttpResponse:
    """The response of render(request, template_name, context()), from the cache when it can be.

    `key` must hold every input of the page that is not data of `scopes` (the view, its
    validated parameters, who is looking: anything the template or `context` reads from
    the request). `context` is called only on a miss, after the versions were read.
    Without a usable cache, or with messages waiting for the viewer, the page is simply rendered.
    """
    scopes = tuple(scopes)
    page_key = _page_key(key, scopes)
    read = _read_with_versions(scopes, page_key) if page_cache_enabled() and not _has_messages(request) else None
    if read is None:
        return HttpResponse(render_to_string(template_name, context(), request))
    # One entry per page, holding the tokens it was rendered under: it is served only while
    # they are still the current ones, so one round trip reads the tokens and the page together.
    versions, found = read
    stored_versions, html = found.get(page_key) or (None, None)
    if stored_versions != versions:
        html = render_to_string(template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        try:
            cache.set(page_key, (versions, html), settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("page cache: could not store a page")
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(html)
