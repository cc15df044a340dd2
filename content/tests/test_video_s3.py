"""The S3 path against a real moto server: presigned multipart part PUTs, complete, process, play."""

import contextlib
import subprocess
from urllib.parse import urlsplit

import boto3
import pytest
import requests

from content.models import Video

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings, moto_server_url):
    settings.AWS_STORAGE_BUCKET_NAME = "sf-content-test"
    settings.AWS_S3_ENDPOINT_URL = moto_server_url
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.VIDEO_UPLOAD_PART_BYTES = 5 * 1024 * 1024
    client = boto3.client(
        "s3", endpoint_url=moto_server_url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )  # fmt: skip
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket="sf-content-test")
    return client


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory):
    """A clip of ~15 MB (noisy MJPEG) so the upload really has two parts (S3 parts are ≥ 5 MiB)."""
    path = tmp_path_factory.mktemp("s3clips") / "noisy.avi"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=duration=3:size=640x360:rate=30",
            "-vf", "noise=alls=80:allf=t", "-c:v", "mjpeg", "-q:v", "2", str(path),
        ],
        check=True,
    )  # fmt: skip
    assert path.stat().st_size > 5 * 1024 * 1024 + 1
    return path


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_s3_multipart_upload_process_and_play(
    s3, creator, client_for, big_clip, moto_server_url, django_capture_on_commit_callbacks
):
    client = client_for(creator)
    data = big_clip.read_bytes()
    created = client.post(
        "/api/v1/videos",
        {"filename": "noisy.avi", "size": len(data), "content_type": "video/x-msvideo", "title": "From S3"},
        format="json",
    ).json()
    session, video_id = created["upload"], created["video"]["id"]
    assert session["storage"] == "s3" and session["part_count"] >= 2
    assert all(p["url"].startswith(moto_server_url) and "X-Amz-Signature" in p["url"] for p in session["parts"])

    # The client uploads straight to S3; only part 1 before the "connection drops".
    size = session["part_size"]
    first = session["parts"][0]
    put = requests.put(first["url"], data=data[:size], timeout=30)
    assert put.status_code == 200
    etags = {1: put.headers["ETag"].strip('"')}

    resumed = client.get(f"/api/v1/videos/{video_id}/upload").json()
    assert [p["part_number"] for p in resumed["received"]] == [1]
    rest = list(range(2, session["part_count"] + 1))
    assert resumed["missing"] == rest and [p["part_number"] for p in resumed["parts"]] == rest
    for part in resumed["parts"]:
        n = part["part_number"]
        put = requests.put(part["url"], data=data[(n - 1) * size : n * size], timeout=30)
        etags[n] = put.headers["ETag"].strip('"')

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/videos/{video_id}/upload/complete",
            {"parts": [{"part_number": n, "etag": e} for n, e in etags.items()]},
            format="json",
        )
    assert response.status_code == 200, response.json()
    video = Video.objects.get(pk=video_id)
    assert video.status == "ready", video.failure_reason
    assert video.size_bytes == len(data) and video.video_codec == "mjpeg"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="sf-content-test", Prefix=f"videos/{video_id}/")["Contents"]}
    assert f"videos/{video_id}/source" in keys
    assert {f"videos/{video_id}/hls/master.m3u8", f"videos/{video_id}/hls/poster.jpg"} <= keys

    viewer = client_for(None)
    stream = viewer.get(f"/api/v1/videos/{video_id}/stream").json()
    master = viewer.get(_path(stream["url"])).content.decode()
    variant_url = next(line for line in master.splitlines() if line and not line.startswith("#"))
    variant = viewer.get(variant_url).content.decode()
    segment_url = next(line for line in variant.splitlines() if line and not line.startswith("#"))
    assert segment_url.startswith(moto_server_url) and "X-Amz-Signature" in segment_url
    segment = requests.get(segment_url, timeout=30)
    assert segment.status_code == 200 and segment.content[:1] == b"\x47"
    poster = client.get(f"/api/v1/videos/{video_id}").json()["poster_url"]
    assert requests.get(poster, timeout=30).headers["Content-Type"] == "image/jpeg"

    # Deleting removes the stored files by a task.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/videos/{video_id}").status_code == 204
    assert s3.list_objects_v2(Bucket="sf-content-test", Prefix=f"videos/{video_id}/").get("KeyCount") == 0


def test_s3_complete_with_missing_part_names_it(s3, creator, client_for, big_clip):
    client = client_for(creator)
    data = big_clip.read_bytes()
    created = client.post(
        "/api/v1/videos",
        {"filename": "n.avi", "size": len(data), "content_type": "video/x-msvideo", "title": "t"},
        format="json",
    ).json()
    put = requests.put(created["upload"]["parts"][0]["url"], data=data[: created["upload"]["part_size"]], timeout=30)
    response = client.post(
        f"/api/v1/videos/{created['video']['id']}/upload/complete",
        {"parts": [{"part_number": 1, "etag": put.headers["ETag"]}]},
        format="json",
    )
    assert response.status_code == 400
    missing = ", ".join(str(n) for n in range(2, created["upload"]["part_count"] + 1))
    assert response.json()["detail"] == f"Missing parts: {missing}."
    # Abort cancels the multipart upload in S3.
    assert client.delete(f"/api/v1/videos/{created['video']['id']}/upload").status_code == 204
    uploads = s3.list_multipart_uploads(Bucket="sf-content-test").get("Uploads", [])
    assert not [u for u in uploads if u["Key"] == f"videos/{created['video']['id']}/source"]
