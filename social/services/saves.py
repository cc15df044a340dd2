"""Saves (bookmarks) of posts and videos, filed in optional named collections. Private to their owner."""

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower

from content.models import Post, Video
from core.exceptions import Conflict, NotFound, ValidationFailed
from social.models import Save, SaveCollection
from social.targets import counter_add, kind_of
from users.models import User

COLLECTIONS_PER_USER = 100


def _own_collection(*, user: User, collection: SaveCollection | None) -> SaveCollection | None:
    if collection is not None and collection.owner_id != user.pk:
        raise NotFound("No such collection.")
    return collection


@transaction.atomic
def save_create(*, user: User, target: Post | Video, collection: SaveCollection | None = None) -> tuple[Save, bool]:
    """Save an item the caller already checked `user` may see; saving again files it in `collection`
    when one is given (moving it), otherwise changes nothing. Returns (save, created)."""
    kind = kind_of(target)
    collection = _own_collection(user=user, collection=collection)
    save = Save(user=user, collection=collection, **{kind: target})
    save.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            save.save(force_insert=True)
    except IntegrityError:
        save = Save.objects.select_for_update().get(user=user, **{kind: target})
        if collection is not None and save.collection_id != collection.pk:
            save.collection = collection
            save.save(update_fields=["collection", "updated_at"])
        return save, False
    counter_add(target, "saves_count", 1)
    return save, True


@transaction.atomic
def save_delete(*, user: User, target: Post | Video) -> bool:
    deleted, _ = Save.objects.filter(user=user, **{kind_of(target): target}).delete()
    if deleted:
        counter_add(target, "saves_count", -1)
    return bool(deleted)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("A collection needs a name.", errors={"name": ["This field may not be blank."]})
    return name


def _refuse_duplicate_name(*, owner: User, name: str, exclude_pk=None) -> None:
    # Both sides lowered by the database, as the unique constraint does: Python's str.lower() and
    # SQLite's ASCII-only LOWER() disagree on non-ASCII names (an IntegrityError 500 found by fuzzing).
    qs = SaveCollection.objects.annotate(lname=Lower("name")).filter(owner=owner, lname=Lower(Value(name)))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict("You already have a collection with this name.", errors={"name": ["Already used."]})


@transaction.atomic
def collection_create(*, owner: User, name: str) -> SaveCollection:
    name = _clean_name(name)
    # Lock the owner's row so the per-user limit and the name check hold under concurrent creates.
    User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).first()
    if SaveCollection.objects.filter(owner=owner).count() >= COLLECTIONS_PER_USER:
        raise ValidationFailed(f"You can have at most {COLLECTIONS_PER_USER} collections.")
    _refuse_duplicate_name(owner=owner, name=name)
    collection = SaveCollection(owner=owner, name=name)
    collection.full_clean(validate_unique=False, validate_constraints=False)
    collection.save(force_insert=True)
    return collection


@transaction.atomic
def collection_rename(*, collection: SaveCollection, by: User, name: str) -> SaveCollection:
    _own_collection(user=by, collection=collection)
    name = _clean_name(name)
    User.objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True).first()
    _refuse_duplicate_name(owner=by, name=name, exclude_pk=collection.pk)
    collection.name = name
    collection.full_clean(validate_unique=False, validate_constraints=False)
    collection.save(update_fields=["name", "updated_at"])
    return collection


@transaction.atomic
def collection_delete(*, collection: SaveCollection, by: User) -> None:
    """Delete a collection; its saves stay saved, just unfiled."""
    _own_collection(user=by, collection=collection)
    collection.delete()
