"""Plain Django views for bytes: the local part-upload endpoint and signed HLS/still delivery.

They sit outside DRF on purpose: DRF would parse (and buffer) the request body and run the API
throttles per segment request. Authorisation is the signature in the URL, issued by the API to a
caller that passed its checks (upload session for the owner, playback for an allowed viewer).
"""

from django.http import FileResponse, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from content.media import playback
from content.media.store import content_type_for, store_for
from content.models import Video
from content.services.videos import S3_MIN_PART, part_signature_valid, video_upload_part_receive
from core.error_handler import problem_response
from core.exceptions import ApplicationError

# A part is at most VIDEO_UPLOAD_PART_BYTES (or size/10000 for huge files): allow the body through the
# global body-size guard; the service enforces the exact size of each part while streaming.
PART_BODY_ALLOWANCE = 2 * 1024**3


@csrf_exempt
@require_http_methods(["PUT"])
def upload_part(request, video_id, part_number: int):
    if not part_signature_valid(video_id, part_number, request.GET.get("exp"), request.GET.get("sig")):
        return problem_response(403, "permission_denied", "Permission denied", "The part URL is invalid or expired.")
    try:
        # `request` is read as a stream, in chunks; request.body is never touched.
        part = video_upload_part_receive(video_id=video_id, part_number=part_number, stream=request)
    except ApplicationError as exc:
        return problem_response(exc.status_code, exc.code, exc.title, exc.detail, exc.errors)
    response = JsonResponse({"part_number": part.part_number, "size": part.size_bytes, "etag": part.etag})
    response["ETag"] = f'"{part.etag}"'
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


upload_part.max_body_bytes = PART_BODY_ALLOWANCE
assert PART_BODY_ALLOWANCE > S3_MIN_PART


@require_http_methods(["GET", "HEAD"])
def hls_file(request, video_id, path: str):
    if not playback.SAFE_PATH.match(path) or not playback.check_signature(
        video_id, path, request.GET.get("exp"), request.GET.get("sig")
    ):
        return problem_response(
            403, "permission_denied", "Permission denied", "The playback URL is invalid or expired."
        )
    video = Video.objects.filter(pk=video_id, status=Video.Status.READY).first()
    if video is None:
        return problem_response(404, "not_found", "Not found", "No such video.")
    store = store_for(video.storage)
    key = f"{video.hls_prefix}/{path}"
    expires = int(request.GET["exp"])
    if path.endswith(".m3u8"):
        try:
            text = store.read_text(key)
        except Exception:  # noqa: BLE001 - a missing file or object, on either store
            return problem_response(404, "not_found", "Not found", "No such file.")
        # Media URIs inside live as long as the playback session needs them, not just until `exp`.
        inner = max(expires, playback.expiry(int(video.duration_seconds or 0) + 3600))
        body = playback.rewrite_playlist(video, path, text, inner)
        response = HttpResponse(body, content_type=content_type_for(path))
    elif video.storage == Video.Storage.S3:
        return HttpResponseRedirect(playback.file_url(video, path, expires))
    else:
        file_path = store.path(key)
        if not file_path.is_file():
            return problem_response(404, "not_found", "Not found", "No such file.")
        response = FileResponse(file_path.open("rb"), content_type=content_type_for(path))
    response["Cache-Control"] = "private, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
