"""Signed, time-limited playback URLs.

Local store: every playlist and segment URL carries `exp` and `sig` (an HMAC of video id, path and
expiry under the SECRET_KEY); the HLS view checks it on every request and rewrites each playlist so
the URIs inside are signed too. S3: playlists still go through that view (they are tiny and must be
rewritten), while segments and stills are presigned S3 GET URLs, so video bytes come straight from S3.
"""

import re
import time

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from content.media.store import store_for

_SALT = "content.playback"
SAFE_PATH = re.compile(r"^(?:[A-Za-z0-9_-]+/)?[A-Za-z0-9_.-]+\.(?:m3u8|ts|m4s|mp4|jpg)$")


def _signature(video_id, path: str, expires: int) -> str:
    return salted_hmac(_SALT, f"{video_id}:{path}:{expires}", algorithm="sha256").hexdigest()


def check_signature(video_id, path: str, expires: str, signature: str) -> bool:
    try:
        exp = int(expires)
    except (TypeError, ValueError):
        return False
    if exp < time.time():
        return False
    return constant_time_compare(_signature(video_id, path, exp), signature or "")


def local_url(video_id, path: str, expires: int) -> str:
    base = reverse("content-video-hls", kwargs={"video_id": video_id, "path": path})
    return f"{base}?exp={expires}&sig={_signature(video_id, path, expires)}"


def expiry(ttl: int | None = None) -> int:
    return int(time.time()) + (ttl or settings.PLAYBACK_URL_TTL)


def file_url(video, path: str, expires: int) -> str:
    """A signed URL of one output file (segment, still) of `video`."""
    if video.storage == "s3":
        return store_for("s3").presign_get(f"{video.hls_prefix}/{path}", max(1, expires - int(time.time())))
    return local_url(video.pk, path, expires)


def master_url(video, expires: int) -> str:
    return local_url(video.pk, "master.m3u8", expires)


_URI_ATTR = re.compile(r'URI="([^"]+)"')


def rewrite_playlist(video, playlist_path: str, text: str, expires: int) -> str:
    """Replace every URI in a playlist with a signed URL (playlists → our view, media → file_url)."""
    folder = playlist_path.rsplit("/", 1)[0] + "/" if "/" in playlist_path else ""

    def sign(uri: str) -> str:
        if "://" in uri or uri.startswith("/"):
            return uri
        path = folder + uri
        if not SAFE_PATH.match(path):
            return uri
        if path.endswith(".m3u8"):
            return local_url(video.pk, path, expires)
        return file_url(video, path, expires)

    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append(sign(stripped))
        elif stripped.startswith("#") and "URI=" in stripped:
            out.append(_URI_ATTR.sub(lambda m: f'URI="{sign(m.group(1))}"', line))
        else:
            out.append(line)
    return "\n".join(out) + "\n"
