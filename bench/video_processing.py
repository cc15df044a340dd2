"""Scenario 7: video processing wall time per second of source, against plain ffmpeg doing the same work.

    .venv/bin/python bench/video_processing.py [--seconds 30] [--size 1280x720] [--runs 3]

The floor runs exactly the commands the pipeline builds (content.media.transcode: the HLS ladder for the
source's rungs, then the poster and thumbnail) straight from subprocess, with no database, progress
parsing or storage. The app runs content.services.processing.video_process on a Video row whose source
is the same file (local storage, a temporary SQLite database and media root; the tasks it queues go to an
in-process broker, as they would go to other workers). Medians of --runs each,
alternated so machine noise hits both alike. Not part of the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_clip(path: Path, seconds: int, size: str) -> None:
    cmd = [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={seconds}:size={size}:rate=30",
        "-f",
        "lavfi",
        "-i",
        f"sine=duration={seconds}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(path),
    ]
    subprocess.run(cmd, check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sf-video-bench-"))
    os.environ.update(
        {
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3",
            "MEDIA_ROOT": str(work / "media"),
            # As deployed: tasks the pipeline queues (the owner's notification, the followers' fan-out) go
            # to a broker for other workers, not run inside the timed processing (an in-process broker here).
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_BROKER_URL": "memory://",
            "DJANGO_SETTINGS_MODULE": "socialflow.settings",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from content.media.probe import probe
    from content.media.transcode import build_stills, hls_command, ladder_for
    from content.models import Video
    from content.services.processing import video_process
    from users.models import User

    clip = work / "clip.mp4"
    make_clip(clip, args.seconds, args.size)
    owner = User.objects.create_user(
        "bench@bench.local", "benchvideo", "x", status="active", email_verified_at=timezone.now()
    )

    def floor_run() -> float:
        out = Path(tempfile.mkdtemp(dir=work)) / "hls"
        start = time.perf_counter()
        info = probe(clip)
        rungs = ladder_for(info)
        for rung in rungs:
            (out / rung.name).mkdir(parents=True, exist_ok=True)
        subprocess.run(hls_command(clip, out, info, rungs), check=True, capture_output=True)
        build_stills(clip, out, info)
        return time.perf_counter() - start

    def app_run() -> float:
        video = Video.objects.create(
            author=owner,
            title="bench",
            status=Video.Status.UPLOADED,
            storage=Video.Storage.LOCAL,
            source=Video.Source.UPLOAD,
        )
        key = f"videos/{video.pk}/source.mp4"
        dest = work / "media" / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(clip.read_bytes())
        Video.objects.filter(pk=video.pk).update(source_key=key)
        start = time.perf_counter()
        result = video_process(video_id=video.pk)
        elapsed = time.perf_counter() - start
        assert result is not None and result.status == Video.Status.READY, "processing did not reach ready"
        return elapsed

    floors, apps = [], []
    for _ in range(args.runs):
        floors.append(floor_run())
        apps.append(app_run())
    floor, app = statistics.median(floors), statistics.median(apps)
    result = {
        "source_seconds": args.seconds,
        "size": args.size,
        "rungs": [r.name for r in ladder_for(probe(clip))],
        "floor_s": round(floor, 2),
        "app_s": round(app, 2),
        "floor_s_per_source_s": round(floor / args.seconds, 3),
        "app_s_per_source_s": round(app / args.seconds, 3),
        "overhead_percent": round((app / floor - 1) * 100, 1),
        "runs": args.runs,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
