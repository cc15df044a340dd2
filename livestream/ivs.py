"""The one gateway to live video ingest: AWS IVS through boto3, or a self-hosted RTMP/HLS server.

`USE_IVS` picks the provider. With IVS each stream gets its own channel (latency mode from the stream)
and the stream key IVS returns at creation is kept (encrypted) by the caller: IVS only shows the key's
value at creation and rotation. Without IVS the ingest URL and HLS playback base come from settings
(e.g. nginx-rtmp), the key is generated here and the HLS path uses the stream id, never the key.
Provider errors become core.exceptions.ServiceUnavailable so the API answers 503, not 500.
"""

import logging
from dataclasses import dataclass

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from core.exceptions import ServiceUnavailable
from livestream.stream_keys import stream_key_generate

logger = logging.getLogger("socialflow.livestream.ivs")

PROVIDER_IVS = "ivs"
PROVIDER_SELF_HOSTED = "self_hosted"


@dataclass(frozen=True)
class IngestChannel:
    provider: str
    ingest_endpoint: str
    playback_url: str
    stream_key: str
    channel_arn: str = ""
    stream_key_arn: str = ""


def ivs_client():
    return boto3.client(
        "ivs",
        region_name=settings.IVS_REGION,
        endpoint_url=settings.IVS_ENDPOINT_URL,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}),
    )


def _unavailable(action: str, exc: Exception) -> ServiceUnavailable:
    logger.warning("IVS %s failed", action, exc_info=exc)
    return ServiceUnavailable("Live video is unavailable right now; try again shortly.", code="ivs_unavailable")


def _rtmps_ingest(endpoint: str) -> str:
    return f"rtmps://{endpoint}:443/app/"


def channel_create(*, stream_id, latency: str) -> IngestChannel:
    if not settings.USE_IVS:
        base = settings.LIVE_HLS_PLAYBACK_BASE.rstrip("/")
        return IngestChannel(
            provider=PROVIDER_SELF_HOSTED,
            ingest_endpoint=settings.LIVE_RTMP_INGEST_URL,
            playback_url=f"{base}/{stream_id}/index.m3u8",
            stream_key=stream_key_generate(),
        )
    params = {
        "name": f"sf-{stream_id}",
        "latencyMode": "LOW" if latency == "low" else "NORMAL",
        "type": "STANDARD",
        "authorized": False,
        "tags": {"socialflow:stream": str(stream_id)},
    }
    if settings.IVS_RECORDING_CONFIGURATION_ARN:
        params["recordingConfigurationArn"] = settings.IVS_RECORDING_CONFIGURATION_ARN
    try:
        response = ivs_client().create_channel(**params)
    except (BotoCoreError, ClientError) as exc:
        raise _unavailable("create_channel", exc) from exc
    channel, key = response["channel"], response["streamKey"]
    return IngestChannel(
        provider=PROVIDER_IVS,
        ingest_endpoint=_rtmps_ingest(channel["ingestEndpoint"]),
        playback_url=channel["playbackUrl"],
        stream_key=key["value"],
        channel_arn=channel["arn"],
        stream_key_arn=key.get("arn", ""),
    )


def channel_set_latency(*, channel_arn: str, latency: str) -> None:
    try:
        ivs_client().update_channel(arn=channel_arn, latencyMode="LOW" if latency == "low" else "NORMAL")
    except (BotoCoreError, ClientError) as exc:
        raise _unavailable("update_channel", exc) from exc


def channel_get(*, channel_arn: str) -> dict:
    try:
        return ivs_client().get_channel(arn=channel_arn)["channel"]
    except (BotoCoreError, ClientError) as exc:
        raise _unavailable("get_channel", exc) from exc


def channel_delete(*, channel_arn: str) -> None:
    """Delete an IVS channel; an already-deleted channel counts as success (cleanup is retried)."""
    try:
        ivs_client().delete_channel(arn=channel_arn)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return
        raise _unavailable("delete_channel", exc) from exc
    except BotoCoreError as exc:
        raise _unavailable("delete_channel", exc) from exc


def stream_key_rotate(*, provider: str, channel_arn: str = "", stream_key_arn: str = "") -> tuple[str, str]:
    """A new stream key (value, arn); the old one stops working at once."""
    if provider != PROVIDER_IVS:
        return stream_key_generate(), ""
    client = ivs_client()
    try:
        if stream_key_arn:
            client.delete_stream_key(arn=stream_key_arn)
        key = client.create_stream_key(channelArn=channel_arn)["streamKey"]
    except (BotoCoreError, ClientError) as exc:
        raise _unavailable("rotate stream key", exc) from exc
    return key["value"], key.get("arn", "")
