"""ffprobe: is this file really a video, and what is in it?"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# Demuxers ffprobe uses for still images: a PNG renamed .mp4 must not pass as a one-frame video.
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "gif", "bmp_pipe", "tiff_pipe", "svg_pipe"}


class NotAVideo(Exception):
    """The file cannot be processed; the message is shown to the owner as the failure reason."""


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    video_codec: str
    audio_codec: str
    size_bytes: int
    format_name: str

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codec)


def probe(path: Path, *, timeout: int = 60) -> ProbeResult:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [settings.FFPROBE_BINARY, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise NotAVideo("Reading the file took too long; it may be damaged.") from exc
    if done.returncode != 0:
        raise NotAVideo("The file is not a video we can read (it may be damaged or in an unsupported format).")
    info = json.loads(done.stdout or b"{}")
    fmt = info.get("format", {})
    streams = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    format_names = set(fmt.get("format_name", "").split(","))
    if video is None:
        raise NotAVideo("The file has no video stream.")
    if format_names & IMAGE_FORMATS or video.get("disposition", {}).get("attached_pic"):
        raise NotAVideo("The file is a still image, not a video.")
    duration = _float(fmt.get("duration")) or _float(video.get("duration"))
    if not duration or duration <= 0:
        raise NotAVideo("The video has no playable duration.")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise NotAVideo("The video has no picture size.")
    return ProbeResult(
        duration=duration,
        width=width,
        height=height,
        video_codec=video.get("codec_name", ""),
        audio_codec=(audio or {}).get("codec_name", ""),
        size_bytes=int(fmt.get("size") or path.stat().st_size),
        format_name=fmt.get("format_name", ""),
    )


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
