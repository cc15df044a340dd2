"""core.epoch_cache: entries end with their owner's epoch, or any dependency's; failed bumps are retried."""

from unittest import mock

import pytest
from django.core.cache import cache

from core import epoch_cache
from core.epoch_cache import epoch_cached_with_deps, epochs_bump
from core.tasks import epochs_bump_task


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def _reader(builds: list, deps=(("author", "a1"),)):
    def read():
        return epoch_cached_with_deps(
            "item",
            owner_id="i1",
            key="i1",
            seconds=60,
            deps=lambda: list(deps),
            build=lambda: builds.append(1) or len(builds),
        )

    return read


def test_an_entry_is_served_until_its_owner_or_a_dependency_gets_a_new_epoch():
    builds = []
    read = _reader(builds)
    assert [read(), read()] == [1, 1]
    epochs_bump("author", ["a1"], seconds=60)
    assert [read(), read()] == [2, 2]
    epochs_bump("item", ["i1"], seconds=60)
    assert read() == 3
    epochs_bump("author", ["someone-else"], seconds=60)
    assert read() == 3


def test_a_dependency_changed_while_the_value_was_built_is_not_served_afterwards():
    """Epochs are read before the build: a bump landing during it ends the entry built from old rows."""
    builds = []

    def build():
        builds.append(1)
        if len(builds) == 1:
            epochs_bump("author", ["a1"], seconds=60)  # a writer commits while we read the rows
        return len(builds)

    def read():
        return epoch_cached_with_deps(
            "item", owner_id="i1", key="i1", seconds=60, deps=lambda: [("author", "a1")], build=build
        )

    assert [read(), read(), read()] == [1, 2, 2]


def test_with_the_cache_off_every_read_builds():
    builds = []
    read = lambda: epoch_cached_with_deps(  # noqa: E731
        "item", owner_id="i1", key="i1", seconds=0, deps=list, build=lambda: builds.append(1) or len(builds)
    )
    assert [read(), read()] == [1, 2]


def test_a_failed_bump_is_handed_to_the_retrying_task(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with (
        mock.patch.object(epoch_cache.cache, "set_many", side_effect=ConnectionError("down")),
        mock.patch.object(epochs_bump_task, "delay") as delay,
    ):
        epochs_bump("post", ["b", "a", None], seconds=60)
    delay.assert_called_once_with("post", ["a", "b"], 60)


def test_the_task_raises_while_the_cache_is_down_and_bumps_once_it_answers():
    builds = []
    read = _reader(builds, deps=())
    assert read() == 1
    with (
        mock.patch.object(epoch_cache.cache, "set_many", side_effect=ConnectionError("down")),
        pytest.raises(ConnectionError),
    ):
        epochs_bump_task.run("item", ["i1"], 60)  # autoretry_for turns this into a retry in a worker
    assert read() == 1
    epochs_bump_task.run("item", ["i1"], 60)
    assert read() == 2
