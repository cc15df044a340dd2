"""Demo content for `manage.py seed_demo`: posts with hashtags, mentions, a quote and a repost per
creator, and one short real video each (made with ffmpeg's test source when ffmpeg is installed)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from content.models import Post, Video
from content.services.posts import post_create, repost_create
from content.services.trending import trending_recompute
from content.services.videos import video_create_from_recording

STEPS = 3
POSTS = [
    ("Sunrise session at the crag today #climbing #outdoors", "public"),
    ("Behind the scenes of this week's video, for followers only #bts", "followers"),
    ("Members get the full training plan here #training", "subscribers"),
    ("Question for everyone: what should I film next? #community", "public"),
]


def _clip(folder: Path) -> Path | None:
    if shutil.which(settings.FFMPEG_BINARY) is None:
        return None
    path = folder / "demo.mp4"
    subprocess.run(  # noqa: S603 - fixed argv
        [
            settings.FFMPEG_BINARY, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=duration=6:size=854x480:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=330:duration=6",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def seed(ctx, step):
    creators = ctx.get("creators") or []
    fans = ctx.get("fans") or []
    for i, creator in enumerate(creators):
        for text, visibility in POSTS:
            if not Post.objects.filter(author=creator, text=text).exists():
                post_create(author=creator, text=text, visibility=visibility)
        other = creators[(i + 1) % len(creators)] if len(creators) > 1 else None
        if other is not None:
            mention = f"Go follow @{other.username}, their last video was great #community"
            if not Post.objects.filter(author=creator, text=mention).exists():
                post_create(author=creator, text=mention)
    step("posts")
    for i, fan in enumerate(fans):
        public = list(
            Post.objects.filter(
                author__in=creators, visibility="public", repost_of__isnull=True, quote_of__isnull=True
            ).order_by("id")[:6]
        )
        if public:
            repost_create(user=fan, post_id=public[i % len(public)].pk)
            quote_text = "This is exactly what I needed today"
            if not Post.objects.filter(author=fan, text=quote_text).exists():
                post_create(author=fan, text=quote_text, quote_of_id=public[(i + 1) % len(public)].pk)
    step("reposts and quotes")
    with tempfile.TemporaryDirectory() as folder:
        clip = _clip(Path(folder))
        for creator in creators:
            if clip is None or Video.objects.filter(author=creator).exists():
                continue
            video_create_from_recording(
                owner=creator,
                title=f"{creator.name}: welcome to the channel",
                source_path_or_key=str(clip),
                description="What this channel is about #community",
                tags=["welcome", "community"],
            )
    trending_recompute()
    step("videos")
