"""Videos: upload sessions, metadata, processing retries, playback, views and analytics."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from content.api.serializers import (
    ContentListByAuthorInputSerializer,
    VideoAnalyticsOutputSerializer,
    VideoCreatedOutputSerializer,
    VideoCreateInputSerializer,
    VideoHeartbeatInputSerializer,
    VideoHeartbeatOutputSerializer,
    VideoOutputSerializer,
    VideoOwnerOutputSerializer,
    VideoStreamOutputSerializer,
    VideoUpdateInputSerializer,
    VideoUploadCompleteInputSerializer,
    VideoUploadSessionSerializer,
)
from content.api.views.common import UploadThrottle, viewer_of
from content.models import Video
from content.selectors.details import video_detail
from content.selectors.videos import video_analytics, video_get_owned, video_list, video_list_mine
from content.selectors.visibility import video_get_visible
from content.services.videos import (
    playback_master_url,
    upload_part_urls,
    video_create,
    video_delete,
    video_retry,
    video_update,
    video_upload_abort,
    video_upload_complete,
    video_upload_received_parts,
)
from content.services.views import video_view_heartbeat
from core.idempotency import idempotent
from core.schema import ErrorResponseSerializer
from users.permissions import IsVerified


def upload_session(request, video: Video) -> dict:
    received = video_upload_received_parts(video=video) if video.status == Video.Status.UPLOADING else []
    have = {p["part_number"] for p in received}
    missing = [n for n in range(1, video.part_count + 1) if n not in have]
    parts = upload_part_urls(video, missing) if video.status == Video.Status.UPLOADING else []
    for part in parts:
        part["url"] = request.build_absolute_uri(part["url"]) if part["url"].startswith("/") else part["url"]
    return {
        "storage": video.storage,
        "method": "PUT",
        "part_size": video.part_size,
        "part_count": video.part_count,
        "parts": parts,
        "received": received,
        "missing": missing,
        "expires_in": settings.VIDEO_UPLOAD_URL_TTL,
    }


class VideoViewSet(viewsets.GenericViewSet):
    queryset = Video.objects.none()  # for the schema; reads go through selectors
    serializer_class = VideoOutputSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_permissions(self):
        if self.action in ("list", "retrieve", "stream", "views"):
            return [AllowAny()]
        if self.action == "create":
            return [IsAuthenticated(), IsVerified()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), UploadThrottle()]
        return super().get_throttles()

    def _out(self, request, video: Video):
        cls = VideoOwnerOutputSerializer if request.user.pk == video.author_id else VideoOutputSerializer
        return cls(video, context=self.get_serializer_context()).data

    @extend_schema(parameters=[ContentListByAuthorInputSerializer], responses=VideoOutputSerializer(many=True))
    def list(self, request):
        params = ContentListByAuthorInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(video_list(viewer=viewer_of(request), author=params.validated_data.get("author")))
        return self.get_paginated_response(
            VideoOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Video.Status.values)],
        responses=VideoOwnerOutputSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def mine(self, request):
        wanted = request.query_params.get("status")
        if wanted and wanted not in Video.Status.values:
            raise serializers.ValidationError({"status": [f"One of: {', '.join(Video.Status.values)}."]})
        page = self.paginate_queryset(video_list_mine(user=request.user, status=wanted))
        data = VideoOwnerOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(request=VideoCreateInputSerializer, responses={201: VideoCreatedOutputSerializer})
    @idempotent
    def create(self, request):
        data = VideoCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_create(author=request.user, **data.validated_data)
        return Response(
            {"video": self._out(request, video), "upload": upload_session(request, video)},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=VideoOutputSerializer)
    def retrieve(self, request, pk=None):
        context = self.get_serializer_context()
        data = video_detail(
            viewer=viewer_of(request),
            id=pk,
            render=lambda video: VideoOutputSerializer(video, context=context).data,
            render_owner=lambda video: VideoOwnerOutputSerializer(video, context=context).data,
            variant=request.build_absolute_uri("/"),
        )
        return Response(data)

    @extend_schema(request=VideoUpdateInputSerializer, responses=VideoOwnerOutputSerializer)
    def partial_update(self, request, pk=None):
        data = VideoUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        video = video_update(
            video_id=video_get_owned(user=request.user, id=pk).pk, actor=request.user, **data.validated_data
        )
        return Response(self._out(request, video))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        video_delete(video_id=video_get_owned(user=request.user, id=pk).pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=VideoUploadSessionSerializer)
    @extend_schema(methods=["DELETE"], responses={204: None})
    @action(detail=True, methods=["get", "delete"])
    def upload(self, request, pk=None):
        video = video_get_owned(user=request.user, id=pk)
        if request.method == "DELETE":
            video_upload_abort(video_id=video.pk)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(upload_session(request, video))

    @extend_schema(request=VideoUploadCompleteInputSerializer, responses=VideoOwnerOutputSerializer)
    @action(detail=True, methods=["post"], url_path="upload/complete")
    def upload_complete(self, request, pk=None):
        video = video_get_owned(user=request.user, id=pk)
        data = VideoUploadCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        video_upload_complete(video_id=video.pk, parts=data.validated_data["parts"])
        return Response(self._out(request, video_get_owned(user=request.user, id=pk)))

    @extend_schema(request=None, responses=VideoOwnerOutputSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        video = video_retry(video_id=video_get_owned(user=request.user, id=pk).pk, actor=request.user)
        return Response(self._out(request, video_get_owned(user=request.user, id=video.pk)))

    @extend_schema(
        responses={
            200: VideoStreamOutputSerializer,
            409: OpenApiResponse(ErrorResponseSerializer, description="The video is not ready to play yet."),
        }
    )
    @action(detail=True, methods=["get"])
    def stream(self, request, pk=None):
        video = video_get_visible(viewer=viewer_of(request), id=pk)
        url, expires = playback_master_url(video=video)
        return Response({"url": request.build_absolute_uri(url), "expires_at": expires, "renditions": video.renditions})

    @extend_schema(request=VideoHeartbeatInputSerializer, responses=VideoHeartbeatOutputSerializer)
    @action(detail=True, methods=["post"])
    def views(self, request, pk=None):
        video = video_get_visible(viewer=viewer_of(request), id=pk)
        data = VideoHeartbeatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        country = request.headers.get(settings.GEOIP_COUNTRY_HEADER, "")
        result = video_view_heartbeat(video=video, viewer=viewer_of(request), country=country, **data.validated_data)
        return Response(result)

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="1–365, default 28")],
        responses=VideoAnalyticsOutputSerializer,
    )
    @action(detail=True, methods=["get"])
    def analytics(self, request, pk=None):
        video = video_get_owned(user=request.user, id=pk)
        try:
            days = min(365, max(1, int(request.query_params.get("days", 28))))
        except ValueError as exc:
            raise serializers.ValidationError({"days": ["A number of days."]}) from exc
        return Response(VideoAnalyticsOutputSerializer(video_analytics(video=video, days=days)).data)
