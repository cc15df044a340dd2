"""The seam where promoted items join a feed page (the ads app, above this one, supplies them).

With `FEED_PROMOTED_EVERY = n > 0` and `SOCIAL_FEED_PROMOTED_PROVIDER` naming a callable
`(*, viewer, feed: str, count: int) -> list[dict]`, one promoted item is placed after every n organic
items of a page; each dict is already serialized by its provider (an ad, with its own tracking ids)
and gets `reason = {"type": "promoted", "text": "promoted"}` here. Unset: no query, no change.
The provider is named in settings so this app never imports the layer above it.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("socialflow.social")


def insert_promoted(*, viewer, feed: str, items: list[dict]) -> list[dict]:
    every = settings.FEED_PROMOTED_EVERY
    path = settings.SOCIAL_FEED_PROMOTED_PROVIDER
    if every <= 0 or not path or len(items) < every:
        return items
    slots = len(items) // every
    try:
        promoted = list(import_string(path)(viewer=viewer, feed=feed, count=slots))[:slots]
    except Exception:
        # The most-read endpoint must not fail because ads did: serve the organic page.
        logger.exception("promoted items provider %s failed; serving the feed without them", path)
        return items
    if not promoted:
        return items
    out: list[dict] = []
    for index, item in enumerate(items, start=1):
        out.append(item)
        if index % every == 0 and promoted:
            ad = dict(promoted.pop(0))
            ad["kind"] = ad.get("kind", "promoted")
            ad["reason"] = {"type": "promoted", "text": "promoted", "user": None}
            out.append(ad)
    return out
