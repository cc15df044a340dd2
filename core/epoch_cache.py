"""Read caches ended by writes: the one mechanism behind the feed-page and session caches.

Each owner (a viewer, a user) has an *epoch* token in the cache. An entry is stored together with the
token read *before* its value was built and is served only while the owner's token is unchanged, so a
write that replaces the token after its commit ends every entry built before it, however many there
are and whatever their keys. TTLs only bound what no write announces (counters updated with F()).

Epochs live twice as long as entries, so an expired epoch never revives an entry built under an older
one. A cache outage degrades to building every value. A bump that fails is not dropped: entries cached
before a partition would be served again once the cache answers, for up to their TTL (ten minutes for
detail snapshots), showing a post deleted meanwhile. It goes to `core.tasks.epochs_bump_task`, which
retries until the cache answers (through the outbox when the broker is down as well).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("socialflow.cache")


PREFETCH_NOT_DONE = object()


def _epoch_key(namespace: str, owner_id) -> str:
    return f"{namespace}:epoch:{owner_id}"


def epoch_entries_get(refs) -> dict | None:
    """Several entries and their owners' epochs in one round trip, from (namespace, owner_id, key)
    references; pass the result as `found=` to `epoch_cached` / `epoch_cached_with_deps`. None when
    the cache is unreachable."""
    keys = [k for namespace, owner_id, key in refs for k in (f"{namespace}:{key}", _epoch_key(namespace, owner_id))]
    return epochs_get(keys)


def epochs_bump(namespace: str, owner_ids, *, seconds: int, retry_later: bool = True) -> None:
    """Give each owner a new epoch: every entry cached for them stops being served.

    When the cache cannot be reached the bump is handed to a retrying task (`retry_later`), or, for that
    task itself, the error is raised.
    """
    ids = sorted({str(pk) for pk in owner_ids if pk is not None})
    if seconds <= 0 or not ids:
        return
    try:
        cache.set_many({_epoch_key(namespace, pk): uuid.uuid4().hex for pk in ids}, timeout=seconds * 2)
    except Exception:
        if not retry_later:
            raise
        logger.warning("%s epoch bump failed for %d owners; retrying in a task", namespace, len(ids), exc_info=True)
        _bump_later(namespace, ids, seconds)


def _bump_later(namespace: str, ids: list[str], seconds: int) -> None:
    from django.conf import settings

    from core.tasks import epochs_bump_task

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return  # no worker to wait for the cache: the entries expire within their TTL
    try:
        epochs_bump_task.delay(namespace, ids, seconds)
    except Exception:  # the outbox keeps a failed publish; this is its own write failing
        logger.exception("%s epoch bump could not be queued for %d owners", namespace, len(ids))


def connect_write_receivers(receivers, *, uid: str) -> None:
    """Wire each (model, receiver) to the model's post_save and post_delete: the writes that end a
    cache's entries. `uid` names the cache, so a second `ready()` does not connect twice."""
    from django.db.models.signals import post_delete, post_save

    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}.delete")


def epochs_bump_after_commit(namespace: str, owner_ids, *, seconds: int) -> None:
    """`epochs_bump` once the current transaction commits (at once outside one): an entry built from the
    old rows before the commit is then never stored under the new epoch."""
    if seconds > 0:
        ids = list(owner_ids)
        transaction.on_commit(lambda: epochs_bump(namespace, ids, seconds=seconds))


def epoch_cached(namespace: str, *, owner_id, key: str, seconds: int, build, found=PREFETCH_NOT_DONE):
    """`build()`'s value for `key`, served from the cache while `owner_id`'s epoch holds. None is never
    stored (nothing to serve). `found`: what `epoch_entries_get` read for it, saving a round trip."""
    if seconds <= 0:
        return build()
    entry_key, epoch_key = f"{namespace}:{key}", _epoch_key(namespace, owner_id)
    if found is PREFETCH_NOT_DONE:
        found = epochs_get([entry_key, epoch_key])
    if found is None:  # unreachable (logged by epochs_get)
        return build()
    epoch, cached = found.get(epoch_key), found.get(entry_key)
    if cached is not None and cached[0] == epoch:
        return cached[1]
    value = build()
    if value is not None:
        try:
            cache.set(entry_key, (epoch, value), timeout=seconds)
        except Exception:
            logger.warning("%s cache unreachable; value not stored", namespace, exc_info=True)
    return value


def epoch_cache_forget(namespace: str, key: str) -> None:
    """Drop one entry (its owner's other entries stay)."""
    try:
        cache.delete(f"{namespace}:{key}")
    except Exception:
        logger.warning("%s cache unreachable; entry left to expire", namespace, exc_info=True)


def epochs_get(keys: list[str]) -> dict | None:
    """The current epoch tokens behind `epoch_keys(...)` (absent keys are missing); None if unreachable."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("epoch cache unreachable", exc_info=True)
        return None


def epoch_keys(pairs) -> list[str]:
    """Epoch keys of (namespace, owner_id) pairs, owners that are None left out."""
    return sorted({_epoch_key(namespace, pk) for namespace, pk in pairs if pk is not None})


def epoch_cached_with_deps(namespace: str, *, owner_id, key: str, seconds: int, deps, build, found=PREFETCH_NOT_DONE):
    """Like `epoch_cached`, for a value built from several owners' rows (a post with its author and the
    post it quotes): served only while `owner_id`'s epoch and those of all its dependencies hold.

    `deps()` -> the (namespace, owner_id) pairs the value will be built from, found cheaply (ids only)
    and, like the value, from rows whose change also bumps `owner_id` (so the set cannot change unseen).
    Their epochs are read before `build()` runs, for the reason `epoch_cached` reads its epoch first.
    A hit costs two cache round trips: the entry with its own epoch (or `found`, see `epoch_cached`), then
    the dependencies' epochs.
    """
    if seconds <= 0:
        return build()
    entry_key, own_key = f"{namespace}:{key}", _epoch_key(namespace, owner_id)
    if found is PREFETCH_NOT_DONE:
        found = epochs_get([entry_key, own_key])
    if found is None:
        return build()
    own, cached = found.get(own_key), found.get(entry_key)
    if cached is not None and cached[0] == own:
        held = cached[1]
        current = epochs_get(list(held)) if held else {}
        if current is not None and all(current.get(k) == token for k, token in held.items()):
            return cached[2]
    dep_keys = epoch_keys(deps())
    tokens = epochs_get(dep_keys) if dep_keys else {}
    value = build()
    if value is not None and tokens is not None:
        try:
            cache.set(entry_key, (own, {k: tokens.get(k) for k in dep_keys}, value), timeout=seconds)
        except Exception:
            logger.warning("%s cache unreachable; value not stored", namespace, exc_info=True)
    return value
