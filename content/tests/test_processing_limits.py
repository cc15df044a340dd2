"""Processing that is interrupted never leaves ffmpeg running or a video stuck in `processing`."""

import subprocess

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from content.media import transcode
from content.media.probe import probe
from content.models import Video
from content.tasks import video_process_task
from content.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_an_interrupted_ladder_kills_its_ffmpeg(video_clip, tmp_path, monkeypatch):
    info = probe(video_clip)  # before Popen is recorded: ffprobe is not the process under test
    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(transcode.subprocess, "Popen", recording_popen)

    def interrupt(fraction):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        transcode.build_hls(video_clip, tmp_path / "hls", info, on_progress=interrupt)
    assert len(started) == 1
    assert started[0].returncode == -9  # SIGKILLed and reaped, not left running


def test_the_soft_time_limit_marks_the_video_failed(monkeypatch):
    video = VideoFactory(status=Video.Status.PROCESSING)

    def too_long(*, video_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("content.services.processing.video_process", too_long)
    video_process_task.delay(str(video.pk))
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.failure_reason == "Processing took too long and was stopped."
