"""The IVS path against a real moto server, and IVS state-change webhooks."""

import boto3
import pytest
from botocore.stub import Stubber

from livestream import ivs, services
from livestream.models import Stream
from livestream.stream_keys import stream_key_decrypt

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/streams/webhooks/ivs"


@pytest.fixture
def ivs_on(settings, moto_server_url):
    settings.USE_IVS = True
    settings.IVS_ENDPOINT_URL = moto_server_url
    settings.IVS_REGION = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    return boto3.client(
        "ivs", region_name="us-east-1", endpoint_url=moto_server_url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def _channel_arns(client):
    return {c["arn"] for c in client.list_channels()["channels"]}


def test_create_makes_a_channel_and_keeps_its_key(ivs_on, creator, client_for):
    res = client_for(creator).post("/api/v1/streams", {"title": "On IVS", "latency": "normal"})
    assert res.status_code == 201, res.json()
    body = res.json()
    stream = Stream.objects.get(pk=body["id"])
    assert stream.provider == "ivs" and stream.ivs_channel_arn in _channel_arns(ivs_on)
    channel = ivs_on.get_channel(arn=stream.ivs_channel_arn)["channel"]
    assert channel["name"] == f"sf-{stream.pk}" and channel["latencyMode"] == "NORMAL"
    assert body["ingest_endpoint"] == f"rtmps://{channel['ingestEndpoint']}:443/app/"
    assert body["playback_url"] == channel["playbackUrl"]
    # The key IVS returned at creation is the one kept (moto cannot list keys later), encrypted.
    assert stream_key_decrypt(stream.stream_key_encrypted) == body["stream_key"]
    assert body["stream_key"] not in stream.stream_key_encrypted


def test_latency_change_updates_the_channel(ivs_on, creator, client_for):
    stream = Stream.objects.get(pk=client_for(creator).post("/api/v1/streams", {"title": "t"}).json()["id"])
    assert client_for(creator).patch(f"/api/v1/streams/{stream.pk}", {"latency": "normal"}).status_code == 200
    assert ivs_on.get_channel(arn=stream.ivs_channel_arn)["channel"]["latencyMode"] == "NORMAL"


def test_channel_deleted_on_cancel_and_end(ivs_on, creator, make_stream, django_capture_on_commit_callbacks):
    cancelled, ended = make_stream(), make_stream()
    assert {cancelled.ivs_channel_arn, ended.ivs_channel_arn} <= _channel_arns(ivs_on)
    with django_capture_on_commit_callbacks(execute=True):
        services.stream_cancel(stream=cancelled, actor=creator)
        services.stream_start(stream=ended, actor=creator)
        services.stream_end(stream=ended, actor=creator)
    assert not {cancelled.ivs_channel_arn, ended.ivs_channel_arn} & _channel_arns(ivs_on)
    services.stream_channel_cleanup(stream_id=ended.pk)  # already gone: still fine


def test_unavailable_ivs_is_a_503_and_creates_nothing(settings, creator, client_for):
    settings.USE_IVS = True
    settings.IVS_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = "testing"
    res = client_for(creator).post("/api/v1/streams", {"title": "t"})
    assert res.status_code == 503 and res.json()["type"] == "urn:socialflow:error:ivs_unavailable"
    assert not Stream.objects.exists()


def test_rotate_key_on_ivs_deletes_old_and_creates_new(ivs_on, creator, make_stream, monkeypatch):
    stream = make_stream()
    # moto implements no stream-key calls: stand in for IVS at the API boundary with botocore's Stubber.
    client = ivs.ivs_client()
    stubber = Stubber(client)
    stubber.add_response("delete_stream_key", {}, {"arn": stream.ivs_stream_key_arn})
    stubber.add_response(
        "create_stream_key",
        {"streamKey": {"arn": "arn:aws:ivs:us-east-1:123456789012:stream-key/new", "value": "sk_us-east-1_NEW",
                       "channelArn": stream.ivs_channel_arn}},
        {"channelArn": stream.ivs_channel_arn},
    )  # fmt: skip
    monkeypatch.setattr(ivs, "ivs_client", lambda: client)
    with stubber:
        _stream, key = services.stream_rotate_key(stream=stream, actor=creator)
    stream.refresh_from_db()
    assert key == "sk_us-east-1_NEW" and stream_key_decrypt(stream.stream_key_encrypted) == key
    assert stream.ivs_stream_key_arn.endswith("stream-key/new")


def _event(arn, name):
    return {
        "detail-type": "IVS Stream State Change", "source": "aws.ivs", "resources": [arn],
        "detail": {"event_name": name, "channel_name": "x", "stream_id": "st-1"},
    }  # fmt: skip


def test_webhook_requires_the_shared_secret(make_stream, api_client, settings):
    stream = make_stream()
    stream.ivs_channel_arn = "arn:aws:ivs:us-east-1:1:channel/abc"
    stream.save()
    event = _event(stream.ivs_channel_arn, "Stream Start")
    assert api_client.post(WEBHOOK, event, format="json").status_code == 403
    assert api_client.post(WEBHOOK, event, format="json", HTTP_X_IVS_WEBHOOK_SECRET="wrong").status_code == 403
    settings.IVS_WEBHOOK_SECRET = ""
    assert api_client.post(WEBHOOK, event, format="json", HTTP_X_IVS_WEBHOOK_SECRET="").status_code == 503
    stream.refresh_from_db()
    assert stream.status == "scheduled"


def test_webhook_drives_the_lifecycle_whichever_comes_first(make_stream, creator, api_client, client_for):
    stream = make_stream()
    stream.ivs_channel_arn = "arn:aws:ivs:us-east-1:1:channel/abc"
    stream.save()
    headers = {"HTTP_X_IVS_WEBHOOK_SECRET": "ivs-shared-secret-for-tests"}
    assert (
        api_client.post(WEBHOOK, _event(stream.ivs_channel_arn, "Stream Start"), format="json", **headers).status_code
        == 204
    )
    stream.refresh_from_db()
    assert stream.status == "live"
    # The host's start afterwards is a no-op; so is a repeated event.
    assert client_for(creator).post(f"/api/v1/streams/{stream.pk}/start").json()["status"] == "live"
    api_client.post(WEBHOOK, _event(stream.ivs_channel_arn, "Stream Start"), format="json", **headers)
    assert client_for(creator).post(f"/api/v1/streams/{stream.pk}/end").json()["status"] == "ended"
    assert (
        api_client.post(WEBHOOK, _event(stream.ivs_channel_arn, "Stream End"), format="json", **headers).status_code
        == 204
    )
    stream.refresh_from_db()
    assert stream.status == "ended"
    # Events for channels we do not know are accepted and ignored.
    assert (
        api_client.post(
            WEBHOOK, _event("arn:aws:ivs:us-east-1:1:channel/zzz", "Stream Start"), format="json", **headers
        ).status_code
        == 204
    )
