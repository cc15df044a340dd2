"""Recording → replay video through content (processing → ready), on both ingest paths."""

import subprocess

import boto3
import pytest

from livestream import services
from livestream.models import Stream

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _ffmpeg(*args):
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x180:rate=15",
         "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *args],
        check=True,
    )  # fmt: skip


def test_self_hosted_recording_becomes_a_ready_video(
    settings, tmp_path, make_stream, creator, user, client_for, django_capture_on_commit_callbacks
):
    settings.LIVE_RECORDINGS_DIR = str(tmp_path / "rec")
    (tmp_path / "rec").mkdir()
    stream = make_stream(title="Sunday session", record=True)
    _ffmpeg("-f", "flv", str(tmp_path / "rec" / f"{stream.pk}-1764300000.flv"))
    with django_capture_on_commit_callbacks(execute=True):
        services.stream_start(stream=stream, actor=creator)
        services.stream_end(stream=stream, actor=creator)
    stream.refresh_from_db()
    video = stream.replay_video
    assert video is not None and video.author == creator and video.source == "recording"
    assert video.title == "Sunday session (replay)" and video.status == "ready"
    assert client_for(user).get(f"/api/v1/streams/{stream.pk}").json()["replay_video"] == str(video.pk)
    # Running the task again does not make a second video.
    assert services.integrations.stream_replay_create(stream_id=stream.pk) is None
    from content.models import Video

    assert Video.objects.filter(source="recording").count() == 1


def test_no_recording_no_replay(settings, tmp_path, make_stream, creator, django_capture_on_commit_callbacks):
    settings.LIVE_RECORDINGS_DIR = str(tmp_path)
    stream = make_stream(record=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.stream_start(stream=stream, actor=creator)
        services.stream_end(stream=stream, actor=creator)
    assert Stream.objects.get(pk=stream.pk).replay_video is None


def test_ivs_recording_end_event_makes_the_replay(
    settings, tmp_path, moto_server_url, make_stream, creator, api_client, django_capture_on_commit_callbacks
):
    settings.AWS_S3_ENDPOINT_URL = settings.IVS_ENDPOINT_URL = moto_server_url
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = "testing"
    stream = make_stream(title="IVS replay", record=True)
    Stream.objects.filter(pk=stream.pk).update(provider="ivs", ivs_channel_arn="arn:aws:ivs:us-east-1:1:channel/rec")
    # What IVS writes: <prefix>/media/hls/master.m3u8 pointing at a rendition playlist and its segments.
    hls = tmp_path / "hls"
    (hls / "160p30").mkdir(parents=True)
    _ffmpeg("-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", str(hls / "160p30" / "playlist.m3u8"))
    (hls / "master.m3u8").write_text(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\n160p30/playlist.m3u8\n"
    )
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=moto_server_url,
                      aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    s3.create_bucket(Bucket="ivs-recordings")
    prefix = "ivs/v1/123456789012/rec/2026/11/28/18/5/abc"
    for path in hls.rglob("*"):
        if path.is_file():
            s3.upload_file(str(path), "ivs-recordings", f"{prefix}/media/hls/{path.relative_to(hls)}")
    with django_capture_on_commit_callbacks(execute=True):
        services.stream_start(stream=stream, actor=creator)
        services.stream_end(stream=stream, actor=creator)
    assert Stream.objects.get(pk=stream.pk).replay_video is None  # IVS has not reported the recording yet
    event = {
        "detail-type": "IVS Recording State Change", "resources": ["arn:aws:ivs:us-east-1:1:channel/rec"],
        "detail": {"recording_status": "Recording End", "recording_s3_bucket_name": "ivs-recordings",
                   "recording_s3_key_prefix": prefix},
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        res = api_client.post(
            "/api/v1/streams/webhooks/ivs",
            event,
            format="json",
            HTTP_X_IVS_WEBHOOK_SECRET="ivs-shared-secret-for-tests",
        )
    assert res.status_code == 204
    stream.refresh_from_db()
    assert stream.recording_s3_prefix == f"s3://ivs-recordings/{prefix}"
    assert stream.replay_video is not None and stream.replay_video.status == "ready"
    assert stream.replay_video.duration_seconds >= 1
