"""Reads of likes, saves, collections and the viewer's own reports."""

import uuid

from django.db.models import Count, Q

from content.selectors import post_visible_q, video_visible_q
from core.exceptions import NotFound
from social.models import Like, Report, Save, SaveCollection
from social.selectors.graph import _hidden_accounts_q
from social.targets import kind_of


def likers_list(*, viewer, target):
    """Likes of a visible item, each with its `user`; accounts hidden from the viewer are left out."""
    return (
        Like.objects.filter(**{kind_of(target): target})
        .exclude(_hidden_accounts_q(viewer, "user"))
        .select_related("user")
    )


def saves_list(*, viewer, collection: SaveCollection | None = None):
    """The viewer's saves whose item the viewer may still see (deleted or now-hidden items drop out)."""
    qs = Save.objects.filter(user_id=viewer.pk)
    if collection is not None:
        qs = qs.filter(collection=collection)
    visible = (Q(post__isnull=False) & post_visible_q(viewer, prefix="post__")) | (
        Q(video__isnull=False) & video_visible_q(viewer, listing=False, prefix="video__")
    )
    return qs.filter(visible).select_related("post__author", "video__author", "collection")


def collections_list(*, viewer):
    return SaveCollection.objects.filter(owner_id=viewer.pk).annotate(items_count=Count("saves"))


def collection_get(*, viewer, id) -> SaveCollection:
    try:
        pk = uuid.UUID(str(id))
    except ValueError:
        raise NotFound("No such collection.")
    collection = collections_list(viewer=viewer).filter(pk=pk).first()
    if collection is None:
        raise NotFound("No such collection.")
    return collection


def reports_for_reporter(*, viewer):
    """The viewer's own reports with the state of the case each belongs to."""
    return Report.objects.filter(reporter_id=viewer.pk).select_related("case")
