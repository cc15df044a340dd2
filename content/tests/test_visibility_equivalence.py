"""The visibility rule is written twice (content.selectors.visibility): as a Q for lists and in Python for
the cached detail reads. Here both judge every combination of what the rule reads, and must agree.

Items: each of four authors (active or suspended × public or private account) has one post or video per
combination of visibility, publication (past, future, never), deletion and minimum tier (none, cheap,
dear); videos add status and age restriction. Every post is also reposted by a public and by a private
account. Viewers cover every relation the rule distinguishes. Facts come from the real builder
(`viewer_facts`), once with its sets held and once with none held (every question asked of the database).
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from content.models import Post, Video
from content.models.common import PostVisibility, VideoVisibility
from content.selectors import details, viewer_facts
from content.selectors.visibility import post_admits, post_visible_q, video_admits, video_facts, video_visible_q
from content.tests.factories import SubscriptionFactory, TierFactory
from core.exceptions import NotFound
from users.models import Block, Follow, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
VIEWERS = [
    "anonymous", "stranger", "follower", "cheap_fan", "dear_fan", "lapsed_fan", "blocked_follower",
    "blocking_fan", "minor_follower", "author",
]  # fmt: skip


@pytest.fixture
def world(db):
    now = timezone.now()
    authors = [
        UserFactory(username=f"author{i}", role="creator", status=status, is_private=private)
        for i, (status, private) in enumerate(
            itertools.product([User.Status.ACTIVE, User.Status.SUSPENDED], [False, True])
        )
    ]
    tiers = {
        a.pk: (TierFactory(creator=a, price_amount=500), TierFactory(creator=a, price_amount=1500)) for a in authors
    }
    people = {name: UserFactory(username=name) for name in VIEWERS if name not in ("anonymous", "author")}
    people["minor_follower"].birth_date = now.date() - datetime.timedelta(days=365 * 15)
    people["minor_follower"].save(update_fields=["birth_date"])
    for author in authors:
        cheap, dear = tiers[author.pk]
        for name in ("follower", "blocked_follower", "minor_follower", "blocking_fan"):
            Follow.objects.create(follower=people[name], following=author)
        SubscriptionFactory(fan=people["cheap_fan"], tier=cheap)
        for name in ("dear_fan", "blocking_fan", "blocked_follower"):
            SubscriptionFactory(fan=people[name], tier=dear)
        SubscriptionFactory(fan=people["lapsed_fan"], tier=dear, paid_through=now - HOUR)
        if author.username in ("author0", "author3"):  # blocks with some authors only: the rest still show
            Block.objects.create(blocker=author, blocked=people["blocked_follower"])
            Block.objects.create(blocker=people["blocking_fan"], blocked=author)
    viewers = {**people, "anonymous": None, "author": authors[0]}

    published = {"past": now - HOUR, "future": now + HOUR, "never": None}

    def tier_of(author, which):
        return {"none": None, "cheap": tiers[author.pk][0], "dear": tiers[author.pk][1]}[which]

    originals = Post.objects.bulk_create(
        Post(author=a, text="x", visibility=vis, published_at=published[pub], deleted_at=now if gone else None,
             min_tier=tier_of(a, tier))
        for a in authors
        for vis, pub, gone, tier in itertools.product(PostVisibility.values, published, [False, True], ["none", "cheap", "dear"])
    )  # fmt: skip
    reposters = [UserFactory(username="open_reposter"), UserFactory(username="closed_reposter", is_private=True)]
    Follow.objects.create(follower=people["follower"], following=reposters[1])
    Post.objects.bulk_create(
        Post(author=r, visibility=PostVisibility.PUBLIC, published_at=now - HOUR, repost_of=o)
        for r in reposters for o in originals
    )  # fmt: skip
    Video.objects.bulk_create(
        Video(author=a, title="v", visibility=vis, status=status, age_restricted=restricted,
              published_at=published[pub], deleted_at=now if gone else None, min_tier=tier_of(a, tier))
        for a in authors
        for vis, status, restricted, pub, gone, tier in itertools.product(
            VideoVisibility.values, [Video.Status.READY, Video.Status.PROCESSING], [False, True], published,
            [False, True], ["none", "cheap", "dear"],
        )
    )  # fmt: skip
    return viewers


@pytest.fixture(params=["sets held", "nothing held"])
def cap(request, monkeypatch):
    if request.param == "nothing held":
        monkeypatch.setattr(viewer_facts, "SET_CAP", 0)
    return request.param


def _posts():
    related = ["author", "min_tier", "repost_of__author", "repost_of__min_tier"]
    return list(Post.all_objects.select_related(*related))


def _disagreements(world, items, sql, python) -> dict:
    """{viewer: (ids only SQL admits, ids only Python admits)} for the viewers where the two differ."""
    out = {}
    for who, viewer in world.items():
        facts = viewer_facts.viewer_facts(viewer)
        in_sql = sql(viewer)
        in_python = {item.pk for item in items if python(item, facts)}
        assert 0 < len(in_sql) < len(items), who  # the cast is not trivially all-or-nothing
        if in_sql != in_python:
            out[who] = (len(in_sql - in_python), len(in_python - in_sql))
    return out


def test_python_rule_equals_sql(world, cap):
    posts = _posts()
    videos = list(Video.all_objects.select_related("author", "min_tier"))
    assert (len(posts), len(videos)) == (288 * 3, 1440)
    assert set(world) == set(VIEWERS)
    differ = {
        "posts": _disagreements(
            world,
            posts,
            sql=lambda viewer: set(Post.all_objects.filter(post_visible_q(viewer)).values_list("pk", flat=True)),
            python=lambda post, facts: post_admits(details._chain(post), facts),
        )
    }
    for listing in (True, False):
        differ[f"videos, listing={listing}"] = _disagreements(
            world,
            videos,
            sql=lambda viewer, listing=listing: set(
                Video.all_objects.filter(video_visible_q(viewer, listing=listing)).values_list("pk", flat=True)
            ),
            python=lambda video, facts, listing=listing: video_admits(video_facts(video), facts, listing=listing),
        )
    assert differ == {"posts": {}, "videos, listing=True": {}, "videos, listing=False": {}}


def test_the_detail_read_agrees_with_the_list_rule(world):
    """Through `post_detail` itself, on visible and hidden posts of each viewer: 404 exactly where the list
    rule hides the post."""
    for who, viewer in world.items():
        _detail_agrees(who, viewer)


def _detail_agrees(who, viewer):
    in_sql = set(Post.all_objects.filter(post_visible_q(viewer)).values_list("pk", flat=True))
    hidden = set(Post.all_objects.values_list("pk", flat=True)) - in_sql
    sample = sorted(in_sql)[:12] + sorted(hidden)[:12]
    shown = set()
    for pk in sample:
        try:
            details.post_detail(viewer=viewer, id=pk, render=lambda post, quote: {"id": str(post.pk)})
            shown.add(pk)
        except NotFound:
            pass
    assert shown == set(sorted(in_sql)[:12]), who
