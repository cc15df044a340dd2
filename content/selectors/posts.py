"""Post reads. Every list is filtered by the visibility rule and loads related rows up front."""

from django.db.models import Prefetch

from content.models import MediaImage, Post, PostEdit
from content.selectors.visibility import post_get_visible, post_visible_q
from core.exceptions import NotFound
from users.selectors import user_get_visible


def with_related(qs):
    """`qs` with what a post's representation shows loaded up front (authors, media, embedded posts)."""
    media = MediaImage.objects.order_by("position", "id")
    return qs.select_related(
        "author", "repost_of__author", "quote_of__author"
    ).prefetch_related(
        Prefetch("media", queryset=media),
        Prefetch("repost_of__media", queryset=media),
        Prefetch("quote_of__media", queryset=media),
    )  # fmt: skip


def post_list(*, viewer, author=None):
    """Posts (and reposts) the viewer may see, newest first; `author` is an id or username."""
    qs = Post.objects.filter(post_visible_q(viewer))
    if author is not None:
        account = user_get_visible(viewer=viewer, lookup=author)
        if account is None:
            raise NotFound("No such account.")
        qs = qs.filter(author=account)
    return with_related(qs)


def post_get(*, viewer, id):
    """One visible post with what its representation shows, checked and loaded in one query (+ media)."""
    return post_get_visible(viewer=viewer, id=id, queryset=with_related(Post.objects.all()))


def post_quotes_list(*, viewer, post_id):
    original = post_get_visible(viewer=viewer, id=post_id)
    return with_related(Post.objects.filter(post_visible_q(viewer), quote_of=original))


def post_history(*, viewer, post_id) -> tuple[Post, list[PostEdit]]:
    """The post and its earlier versions (oldest first), for whoever may see the post."""
    post = post_get_visible(viewer=viewer, id=post_id)
    return post, list(PostEdit.objects.filter(post=post).order_by("created_at", "id"))


def post_page_context(*, viewer, posts) -> dict:
    """Per-page facts the serializer needs without a query per row (two queries for any page size):
    which quoted posts the viewer may see, and which posts the viewer has reposted."""
    quote_ids = {p.quote_of_id for p in posts if p.quote_of_id}
    quote_ids |= {p.repost_of.quote_of_id for p in posts if p.repost_of_id and p.repost_of.quote_of_id}
    visible_quotes = (
        set(Post.objects.filter(post_visible_q(viewer), pk__in=quote_ids).values_list("pk", flat=True))
        if quote_ids
        else set()
    )
    reposted: set = set()
    if viewer is not None and viewer.is_authenticated:
        originals = {p.repost_of_id or p.pk for p in posts}
        reposted = set(
            Post.objects.filter(author=viewer, repost_of_id__in=originals).values_list("repost_of_id", flat=True)
        )
    return {"visible_quote_ids": visible_quotes, "reposted_ids": reposted}
