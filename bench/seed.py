"""Deterministic benchmark data with realistic skew (see docs/benchmarks.md).

Popularity follows a Zipf-like law: a handful of accounts are followed by most users and write more,
most accounts have few followers; a few posts collect most likes. Counters are computed from the
generated rows, so they are exact. Everything comes from one seeded RNG: the same arguments give the
same data.
"""

import bisect
import itertools
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection

from bench.bulk_load import bulk_load, uuid7_at

BENCH_PASSWORD = "bench-password-1"
WORDS = [
    "climb",
    "coffee",
    "river",
    "sunset",
    "code",
    "deploy",
    "garden",
    "bread",
    "bike",
    "trail",
    "city",
    "night",
    "rain",
    "music",
    "guitar",
    "paint",
    "camera",
    "film",
    "travel",
    "coast",
    "forest",
    "winter",
    "summer",
    "street",
    "market",
    "book",
    "story",
    "morning",
    "friends",
    "dog",
    "cat",
]
TAGS = ["climbing", "cooking", "python", "travel", "music", "photo", "django", "running", "art", "books"]


class Progress:
    def __init__(self, label: str, total: int, out=sys.stdout):
        self.label, self.total, self.out, self.done, self.start = label, max(total, 1), out, 0, time.monotonic()

    def advance(self, n: int = 1):
        self.done += n
        if self.done % max(self.total // 50, 1) < n or self.done >= self.total:
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            rate = self.done / max(time.monotonic() - self.start, 1e-6)
            self.out.write(
                f"\r{self.label:<10} [{'#' * filled}{'.' * (width - filled)}] {self.done:>9,}/{self.total:,} ({rate:,.0f}/s)"
            )
            self.out.flush()
        if self.done >= self.total:
            self.out.write("\n")


def _zipf_cumulative(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** s for rank in range(n)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


def generate(
    *,
    users: int,
    posts: int,
    follows_per_user: int,
    likes: int,
    videos: int,
    comments: int,
    seed: int = 42,
    out=sys.stdout,
) -> dict:
    from content.models import Post, Video
    from social.models import Comment, Like
    from users.models import Follow, User

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    now_ms = int(now.timestamp() * 1000)
    password = make_password(BENCH_PASSWORD)

    # Popularity rank → user index: a seeded permutation so user0 is not always the star.
    order = list(range(users))
    rng.shuffle(order)
    popularity = _zipf_cumulative(users, 1.0)

    def ms_ago(days: float) -> int:
        return now_ms - int(days * 86_400_000)

    # --- users ---------------------------------------------------------------------------------
    user_ids = [uuid7_at(ms_ago(400 - 365 * i / users), rng.getrandbits(74)) for i in range(users)]

    # --- follows: each user follows ~follows_per_user accounts, chosen by popularity --------------
    progress = Progress("follows", users, out)
    follow_rows, followers, following = [], Counter(), Counter()
    for u in range(users):
        k = min(users - 1, max(1, int(rng.expovariate(1 / follows_per_user))))
        chosen = set()
        attempts = 0
        while len(chosen) < k and attempts < k * 4:
            attempts += 1
            target = order[_pick(rng, popularity)]
            if target != u:
                chosen.add(target)
        for target in chosen:
            follow_rows.append((u, target))
            followers[target] += 1
        following[u] = len(chosen)
        progress.advance()

    # --- posts: authors skewed towards popular accounts -------------------------------------------
    progress = Progress("posts", posts, out)
    post_author, post_ms = [], []
    for _ in range(posts):
        post_author.append(order[_pick(rng, popularity)] if rng.random() < 0.5 else rng.randrange(users))
        post_ms.append(ms_ago(rng.random() * 60))
        progress.advance()
    post_ms.sort()  # ids follow time: index order == creation order
    post_ids = [uuid7_at(ms, rng.getrandbits(74)) for ms in post_ms]
    post_vis = [
        "public" if r < 0.9 else "followers" if r < 0.98 else "private" for r in (rng.random() for _ in range(posts))
    ]

    # --- likes: popular posts collect most of them ------------------------------------------------
    progress = Progress("likes", likes, out)
    post_popularity = _zipf_cumulative(posts, 0.8)
    post_order = list(range(posts))
    rng.shuffle(post_order)
    like_pairs: set[tuple[int, int]] = set()
    while len(like_pairs) < likes:
        pair = (post_order[_pick(rng, post_popularity)], rng.randrange(users))
        if pair not in like_pairs:
            like_pairs.add(pair)
            progress.advance()
    likes_per_post = Counter(p for p, _ in like_pairs)

    comment_rows = [(post_order[_pick(rng, post_popularity)], rng.randrange(users)) for _ in range(comments)]
    comments_per_post = Counter(p for p, _ in comment_rows)
    posts_per_user = Counter(post_author)
    video_author = [order[_pick(rng, popularity)] for _ in range(videos)]
    videos_per_user = Counter(video_author)

    # --- write ---------------------------------------------------------------------------------
    started = time.monotonic()
    progress = Progress("write", 6, out)
    bulk_load(
        User,
        (
            {
                "id": user_ids[i],
                "username": f"bench{i}",
                "email": f"bench{i}@bench.local",
                "display_name": f"Bench {i}",
                "password": password,
                "status": "active",
                "role": "creator" if i % 50 == 0 else "user",
                "email_verified_at": now,
                "followers_count": followers[i],
                "following_count": following[i],
                "posts_count": posts_per_user[i],
                "videos_count": videos_per_user[i],
                "created_at": datetime.fromtimestamp((ms_ago(400 - 365 * i / users)) / 1000, UTC),
            }
            for i in range(users)
        ),
    )
    progress.advance()
    bulk_load(
        Follow,
        (
            {"id": uuid7_at(ms_ago(30), rng.getrandbits(74)), "follower_id": user_ids[a], "following_id": user_ids[b]}
            for a, b in follow_rows
        ),
    )
    progress.advance()

    def post_text(i):
        words = rng.sample(WORDS, 8)
        if i % 7 == 0:
            words.append(f"#{TAGS[i % len(TAGS)]}")
        return " ".join(words)

    bulk_load(
        Post,
        (
            {
                "id": post_ids[i],
                "author_id": user_ids[post_author[i]],
                "text": post_text(i),
                "visibility": post_vis[i],
                "created_at": datetime.fromtimestamp(post_ms[i] / 1000, UTC),
                "published_at": datetime.fromtimestamp(post_ms[i] / 1000, UTC),
                "likes_count": likes_per_post[i],
                "comments_count": comments_per_post[i],
            }
            for i in range(posts)
        ),
    )
    progress.advance()
    bulk_load(
        Like,
        (
            {
                "id": uuid7_at(max(post_ms[p], ms_ago(1)), rng.getrandbits(74)),
                "user_id": user_ids[u],
                "post_id": post_ids[p],
            }
            for p, u in like_pairs
        ),
    )
    progress.advance()
    bulk_load(
        Comment,
        (
            {
                "id": uuid7_at(post_ms[p] + 1000, rng.getrandbits(74)),
                "author_id": user_ids[u],
                "post_id": post_ids[p],
                "text": " ".join(rng.sample(WORDS, 6)),
            }
            for p, u in comment_rows
        ),
    )
    progress.advance()
    bulk_load(
        Video,
        (
            {
                "id": uuid7_at(ms_ago(rng.random() * 60), rng.getrandbits(74)),
                "author_id": user_ids[video_author[i]],
                "title": " ".join(rng.sample(WORDS, 4)).title(),
                "status": "ready",
                "visibility": "public",
                "published_at": now - timedelta(days=rng.random() * 60),
                "duration_seconds": 60.0 + i % 600,
                "width": 1280,
                "height": 720,
                "renditions": ["720p", "480p", "360p", "240p"],
            }
            for i in range(videos)
        ),
    )
    progress.advance()
    if connection.vendor == "postgresql":
        # Search vectors as content's search_index service builds them (one UPDATE, not a call per row).
        from django.contrib.postgres.search import SearchVector

        from content.services.search_index import CONFIG

        Post.all_objects.update(search_vector=SearchVector("text", weight="C", config=CONFIG))
        Video.all_objects.update(search_vector=SearchVector("title", weight="A", config=CONFIG))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "users": users,
        "follows": len(follow_rows),
        "posts": posts,
        "likes": len(like_pairs),
        "comments": comments,
        "videos": videos,
        "write_seconds": round(time.monotonic() - started, 1),
        "max_followers": max(followers.values()),
        "median_followers": sorted(followers.values())[len(followers) // 2] if followers else 0,
    }
