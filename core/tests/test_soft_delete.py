"""Soft delete: the default manager hides deleted rows, `all_objects` sees them, restore brings them back."""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from core.models import SoftDeleteModel


@pytest.fixture
def note_model(transactional_db):
    with isolate_apps("core"):

        class Note(SoftDeleteModel):
            text = models.CharField(max_length=20)

            class Meta:
                app_label = "core"

        with connection.schema_editor() as editor:
            editor.create_model(Note)
        yield Note
        with connection.schema_editor() as editor:
            editor.delete_model(Note)


def test_default_manager_hides_deleted_rows(note_model):
    kept = note_model.objects.create(text="kept")
    gone = note_model.objects.create(text="gone")
    gone.soft_delete()
    assert list(note_model.objects.values_list("text", flat=True)) == ["kept"]
    assert sorted(note_model.all_objects.values_list("text", flat=True)) == ["gone", "kept"]
    assert list(note_model.all_objects.deleted().values_list("pk", flat=True)) == [gone.pk]
    assert kept.is_deleted is False and gone.is_deleted is True


def test_restore_makes_the_row_visible_again(note_model):
    note = note_model.objects.create(text="back")
    note.soft_delete()
    assert note_model.objects.filter(pk=note.pk).exists() is False
    note.restore()
    assert note_model.objects.get(pk=note.pk).text == "back"


def test_rows_are_ordered_by_time_ordered_ids(note_model):
    texts = [f"n{i}" for i in range(20)]
    for text in texts:
        note_model.objects.create(text=text)
    assert list(note_model.objects.order_by("id").values_list("text", flat=True)) == texts
