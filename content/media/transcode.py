"""ffmpeg: the HLS ladder (one ffmpeg call for every rung), thumbnails and a poster."""

import logging
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from content.media.probe import ProbeResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rung:
    name: str
    height: int
    video_kbps: int
    audio_kbps: int


LADDER = (
    Rung("1080p", 1080, 5000, 192),
    Rung("720p", 720, 2800, 128),
    Rung("480p", 480, 1400, 128),
    Rung("360p", 360, 800, 96),
    Rung("240p", 240, 400, 64),
)


class TranscodeFailed(Exception):
    """ffmpeg refused the file; the message is safe to show to the owner."""


def ladder_for(probe: ProbeResult) -> list[Rung]:
    """Rungs at or below the source's short side (never upscale); a tiny source gets one rung at its size."""
    short_side = min(probe.width, probe.height)
    rungs = [r for r in LADDER if r.height <= short_side]
    if not rungs:
        even = max(2, short_side - short_side % 2)
        rungs = [Rung(f"{even}p", even, 300, 64)]
    return rungs


def _scale(probe: ProbeResult, height: int) -> str:
    # Scale the short side to the rung height; -2 keeps the aspect ratio with an even dimension.
    return f"scale=-2:{height}" if probe.width >= probe.height else f"scale={height}:-2"


def hls_command(source: Path, out_dir: Path, probe: ProbeResult, rungs: list[Rung]) -> list[str]:
    n = len(rungs)
    labels = "".join(f"[s{i}]" for i in range(n))
    graph = [f"[0:v]split={n}{labels}"] if n > 1 else []
    for i, rung in enumerate(rungs):
        src = f"[s{i}]" if n > 1 else "[0:v]"
        graph.append(f"{src}{_scale(probe, rung.height)},format=yuv420p[v{i}]")
    cmd = [settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-y", "-i", str(source)]
    cmd += ["-filter_complex", ";".join(graph)]
    stream_map = []
    for i, rung in enumerate(rungs):
        cmd += ["-map", f"[v{i}]", f"-c:v:{i}", "libx264", f"-b:v:{i}", f"{rung.video_kbps}k"]
        cmd += [f"-maxrate:v:{i}", f"{int(rung.video_kbps * 1.07)}k", f"-bufsize:v:{i}", f"{rung.video_kbps * 2}k"]
        entry = f"v:{i}"
        if probe.has_audio:
            cmd += ["-map", "0:a:0", f"-c:a:{i}", "aac", f"-b:a:{i}", f"{rung.audio_kbps}k"]
            entry += f",a:{i}"
        stream_map.append(f"{entry},name:{rung.name}")
    # A keyframe every 2 s and no scene-cut keyframes: segments of all rungs line up for ABR switching.
    cmd += ["-preset", "veryfast", "-force_key_frames", "expr:gte(t,n_forced*2)", "-sc_threshold", "0"]
    cmd += ["-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", "-hls_flags", "independent_segments"]
    cmd += ["-hls_segment_filename", str(out_dir / "%v" / "seg_%05d.ts")]
    cmd += ["-master_pl_name", "master.m3u8", "-var_stream_map", " ".join(stream_map)]
    cmd += ["-progress", "pipe:1", "-nostats", str(out_dir / "%v" / "index.m3u8")]
    return cmd


_OUT_TIME = re.compile(rb"^out_time_(?:us|ms)=(\d+)")


def build_hls(
    source: Path, out_dir: Path, probe: ProbeResult, *, on_progress: Callable[[float], None] | None = None
) -> list[str]:
    """Run the ladder; returns the rung names written. `on_progress(fraction)` as ffmpeg reports time."""
    rungs = ladder_for(probe)
    for rung in rungs:
        (out_dir / rung.name).mkdir(parents=True, exist_ok=True)
    cmd = hls_command(source, out_dir, probe, rungs)
    timeout = max(600, probe.duration * 20)
    stderr_path = out_dir.parent / "ffmpeg.log"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr)  # noqa: S603 - fixed argv
        try:
            for line in proc.stdout:
                match = _OUT_TIME.match(line)
                if match and on_progress and probe.duration:
                    # out_time_ms is (despite its name) microseconds, like out_time_us.
                    on_progress(min(1.0, int(match.group(1)) / 1_000_000 / probe.duration))
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            raise TranscodeFailed("Processing took too long and was stopped.") from exc
        finally:
            if proc.poll() is None:
                # Interrupted mid-ladder (Celery's soft time limit, a failing progress callback): an ffmpeg
                # left running would keep burning a media worker's core with nobody reading its output.
                proc.kill()
                proc.wait()
    if proc.returncode != 0:
        tail = stderr_path.read_text(errors="replace")[-2000:]
        logger.warning("ffmpeg failed (%s): %s", proc.returncode, tail)
        raise TranscodeFailed("The video could not be transcoded; it may be damaged or use an unsupported codec.")
    return [r.name for r in rungs]


def build_stills(source: Path, out_dir: Path, probe: ProbeResult) -> tuple[str, str]:
    """A poster (≤1280 wide) and a 320-wide thumbnail from one frame at 10% of the video."""
    at = f"{probe.duration * 0.1:.3f}"
    cmd = [settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-y", "-ss", at, "-i", str(source)]
    cmd += ["-filter_complex", "[0:v]split=2[p][t];[p]scale='min(1280,iw)':-2[po];[t]scale=320:-2[to]"]
    cmd += ["-map", "[po]", "-frames:v", "1", "-q:v", "3", str(out_dir / "poster.jpg")]
    cmd += ["-map", "[to]", "-frames:v", "1", "-q:v", "5", str(out_dir / "thumbnail.jpg")]
    done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)  # noqa: S603
    if done.returncode != 0 or not (out_dir / "poster.jpg").exists():
        logger.warning("still extraction failed: %s", done.stderr[-2000:])
        raise TranscodeFailed("Could not extract a thumbnail from the video.")
    return "poster.jpg", "thumbnail.jpg"
