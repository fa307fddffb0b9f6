"""Declaring what retires which page-cache scope: `watch` for rows that belong to somebody,
`watch_tables` for shared tables written by any code path (innerwork/core/page_cache.py)."""

import pytest
from django.core.cache import cache

from innerwork.accounts.tests.factories import UserFactory
from innerwork.core import page_cache
from innerwork.core.models import OutboxEmail, StaffAction
from innerwork.core.page_cache import CATALOGUE
from innerwork.core.tests.scopes import Retired

pytestmark = pytest.mark.django_db

OUTBOX = "test:outbox"
OTHER = "test:other"


def subject_scope(subject_id) -> str:
    return f"test:subject:{subject_id}"


@pytest.fixture(autouse=True)
def declarations():
    """Declarations made by a test are forgotten after it; the apps' own stay as they were."""
    watches = {model: list(declared) for model, declared in page_cache._watches.items()}
    tables = dict(page_cache._table_scopes)
    cache.clear()
    yield
    page_cache._watches.clear()
    page_cache._watches.update(watches)
    page_cache._table_scopes.clear()
    page_cache._table_scopes.update(tables)
    cache.clear()


def staff_action(subject_id: str = "7", **fields) -> StaffAction:
    return StaffAction.objects.create(
        actor=UserFactory(), action="test", subject_type="test", subject_id=subject_id, subject_repr="t", **fields
    )


def test_a_watched_rows_save_and_delete_retire_exactly_its_declared_scopes():
    # given
    page_cache.watch(StaffAction, scopes=lambda action: subject_scope(action.subject_id))
    action = staff_action("7")
    # when the row is saved / then only its scope is retired
    with Retired(subject_scope(7), subject_scope(8), OTHER, CATALOGUE) as saving:
        action.reason = "renamed"
        action.save()
    assert saving.retired == {subject_scope(7)}
    # when the row is deleted / then only its scope is retired
    with Retired(subject_scope(7), subject_scope(8), OTHER, CATALOGUE) as deleting:
        action.delete()
    assert deleting.retired == {subject_scope(7)}


def test_a_new_row_retires_its_declared_scopes():
    page_cache.watch(StaffAction, scopes=lambda action: subject_scope(action.subject_id))
    with Retired(subject_scope(9), OTHER, CATALOGUE) as creating:
        staff_action("9")
    assert creating.retired == {subject_scope(9)}


def test_a_declaration_may_name_several_scopes_or_none():
    # given
    page_cache.watch(
        StaffAction, scopes=lambda action: (subject_scope(action.subject_id), OTHER) if action.reason else None
    )
    # when / then
    with Retired(subject_scope(7), OTHER, CATALOGUE) as without_reason:
        staff_action("7")
    assert without_reason.retired == set()
    with Retired(subject_scope(7), OTHER, CATALOGUE) as with_reason:
        staff_action("7", reason="because")
    assert with_reason.retired == {subject_scope(7), OTHER}


def test_a_save_of_only_ignored_fields_retires_nothing():
    # given
    page_cache.watch(StaffAction, scopes=lambda action: subject_scope(action.subject_id), ignore_fields={"reason"})
    action = staff_action("7")
    # when only an ignored field is saved / then nothing is retired
    with Retired(subject_scope(7), OTHER, CATALOGUE) as ignored:
        action.reason = "not shown anywhere"
        action.save(update_fields=["reason"])
    assert ignored.retired == set()
    # when a shown field is saved with it / then the scope is retired
    with Retired(subject_scope(7), OTHER, CATALOGUE) as shown:
        action.subject_repr = "shown"
        action.save(update_fields=["reason", "subject_repr"])
    assert shown.retired == {subject_scope(7)}


def test_every_declaration_on_one_model_retires_its_scopes_on_each_write():
    # given two apps watch the same model, one of them ignoring a field
    page_cache.watch(StaffAction, scopes=lambda action: subject_scope(action.subject_id))
    page_cache.watch(StaffAction, scopes=lambda action: OTHER, ignore_fields={"reason"})
    action = staff_action("7")
    # when / then
    with Retired(subject_scope(7), OTHER, CATALOGUE) as both:
        action.save()
    assert both.retired == {subject_scope(7), OTHER}
    with Retired(subject_scope(7), OTHER, CATALOGUE) as one:
        action.save(update_fields=["reason"])
    assert one.retired == {subject_scope(7)}


def test_a_write_without_signals_retires_the_declared_scopes_through_instance_changed():
    # given
    page_cache.watch(StaffAction, scopes=lambda action: subject_scope(action.subject_id))
    action = staff_action("7")
    # when a queryset update writes the row (no signal)
    with Retired(subject_scope(7), OTHER, CATALOGUE) as updated:
        StaffAction.objects.filter(pk=action.pk).update(reason="bulk")
    # then nothing knew, until the writer reports it
    assert updated.retired == set()
    with Retired(subject_scope(7), OTHER, CATALOGUE) as reported:
        page_cache.instance_changed(action)
    assert reported.retired == {subject_scope(7)}


def test_any_write_to_a_watched_table_retires_its_scope_even_without_signals():
    # given
    page_cache.watch_tables(OutboxEmail, scope=OUTBOX)
    email = OutboxEmail.objects.create(dedup_key="a", kind="test", subject="s", body_text="b")
    # when the table is written in bulk / then its scope is retired
    with Retired(OUTBOX, OTHER, CATALOGUE) as updated:
        OutboxEmail.objects.filter(pk=email.pk).update(subject="changed")
    assert updated.retired == {OUTBOX}
    with Retired(OUTBOX, OTHER, CATALOGUE) as inserted:
        OutboxEmail.objects.bulk_create([OutboxEmail(dedup_key="b", kind="test", subject="s", body_text="b")])
    assert inserted.retired == {OUTBOX}
    with Retired(OUTBOX, OTHER, CATALOGUE) as deleted:
        OutboxEmail.objects.all().delete()
    assert deleted.retired == {OUTBOX}


def test_a_write_to_a_watched_table_that_changes_no_row_retires_nothing():
    # given a watched table with one row
    page_cache.watch_tables(OutboxEmail, scope=OUTBOX)
    email = OutboxEmail.objects.create(dedup_key="a", kind="test", subject="s", body_text="b")
    # when an update and a delete match no row (as deleting an account deletes its absent profile)
    with Retired(OUTBOX, OTHER, CATALOGUE) as missed:
        OutboxEmail.objects.filter(pk=email.pk + 1).update(subject="changed")
        OutboxEmail.objects.filter(dedup_key="nobody").delete()
    # then no page changed; the same update on the row itself still retires
    assert missed.retired == set()
    with Retired(OUTBOX, OTHER, CATALOGUE) as hit:
        OutboxEmail.objects.filter(pk=email.pk).update(subject="changed")
    assert hit.retired == {OUTBOX}


def test_reading_a_watched_table_or_writing_another_retires_nothing():
    # given
    page_cache.watch_tables(OutboxEmail, scope=OUTBOX)
    # when / then
    with Retired(OUTBOX, OTHER, CATALOGUE) as untouched:
        list(OutboxEmail.objects.all())
        staff_action("7")
    assert untouched.retired == set()
