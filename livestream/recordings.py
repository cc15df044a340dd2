"""Finding a finished stream's recording and turning it into one file the content pipeline can ingest.

- Self-hosted (nginx-rtmp `record all; record_unique on;` into LIVE_RECORDINGS_DIR): the newest file
  named `<stream id>-*` (the on_publish callback renames each publish to the stream id).
- IVS: IVS records HLS (`<prefix>/media/hls/...`) into the recording configuration's bucket and reports
  the prefix in its "Recording End" event. The playlists and segments are fetched and remuxed (no
  re-encode) into one MP4 with ffmpeg, which content then transcodes like any upload.
"""

import subprocess
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from core.exceptions import ServiceUnavailable, Unprocessable

RECORDING_SUFFIXES = (".flv", ".mp4", ".mkv", ".ts")


def self_hosted_recording(*, stream_id) -> Path | None:
    base = Path(settings.LIVE_RECORDINGS_DIR) if settings.LIVE_RECORDINGS_DIR else None
    if base is None or not base.is_dir():
        return None
    files = [p for p in base.glob(f"{stream_id}*") if p.suffix in RECORDING_SUFFIXES and p.is_file()]
    return max(files, key=lambda p: p.stat().st_mtime) if files else None


def _s3():
    return boto3.client(
        "s3",
        region_name=settings.AWS_S3_REGION_NAME,
        endpoint_url=settings.AWS_S3_ENDPOINT_URL,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )


def ivs_recording_fetch(*, s3_uri: str, workdir: Path) -> Path:
    """Download `<prefix>/media/hls/` from S3 and remux it to `workdir/recording.mp4`."""
    bucket, _, prefix = s3_uri.removeprefix("s3://").partition("/")
    hls_prefix = f"{prefix.rstrip('/')}/media/hls/"
    client = _s3()
    local_root = workdir / "hls"
    try:
        paginator = client.get_paginator("list_objects_v2")
        keys = [
            obj["Key"]
            for page in paginator.paginate(Bucket=bucket, Prefix=hls_prefix)
            for obj in page.get("Contents", [])
        ]
        for key in keys:
            target = local_root / key.removeprefix(hls_prefix)
            if local_root.resolve() not in target.resolve().parents:
                continue  # a key with ../ must not write outside the scratch folder
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, key, str(target))
    except (BotoCoreError, ClientError) as exc:
        raise ServiceUnavailable("The recording could not be fetched from S3.") from exc
    master = local_root / "master.m3u8"
    if not master.is_file():
        raise Unprocessable("The recording has no HLS master playlist.")
    out = workdir / "recording.mp4"
    cmd = [
        settings.FFMPEG_BINARY, "-v", "error", "-y", "-allowed_extensions", "ALL", "-i", str(master),
        "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-bsf:a", "aac_adtstoasc", str(out),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, timeout=3600, check=False)  # noqa: S603 - fixed argv
    if result.returncode != 0 or not out.is_file():
        raise Unprocessable(f"ffmpeg could not remux the recording: {result.stderr.decode()[-300:]}")
    return out
