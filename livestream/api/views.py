"""Streams API: thin actions over livestream.selectors and livestream.services."""

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from core.idempotency import idempotent
from core.throttling import ScopedThrottle
from livestream import selectors, services
from livestream.api import serializers as s
from livestream.models import ChatModerationAction, Stream
from users.permissions import IsVerified
from users.selectors import user_get_visible

CHAT_PAGE_DEFAULT = 50
CHAT_PAGE_MAX = 100


class ChatThrottle(ScopedThrottle):
    scope = "chat"


def _stream_response(stream, request, *, serializer=None, context=None, status_code=200):
    viewer = request.user
    if serializer is None:
        is_host = viewer.is_authenticated and viewer.pk == stream.host_id
        serializer = s.StreamHostOutputSerializer if is_host else s.StreamOutputSerializer
    ctx = {"watchable_ids": selectors.stream_watchable_ids(viewer=viewer, streams=[stream]), **(context or {})}
    return Response(serializer(stream, context=ctx).data, status=status_code)


class StreamViewSet(viewsets.GenericViewSet):
    queryset = Stream.objects.none()
    serializer_class = s.StreamOutputSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsVerified()]
        if self.action in ("key", "analytics", "moderators", "moderation_log"):
            # Host/moderator reads: an anonymous caller is asked to sign in (401), not refused (403).
            return [IsAuthenticated()]
        return super().get_permissions()

    def _stream(self):
        return selectors.stream_get_visible(viewer=self.request.user, id=self.kwargs["pk"])

    def _hosted(self):
        stream = self._stream()
        if stream.host_id != self.request.user.pk:
            raise PermissionDenied("Only the host can do this.")
        return stream

    def _user(self, lookup):
        user = user_get_visible(viewer=self.request.user, lookup=lookup)
        if user is None:
            raise NotFound("User not found.")
        return user

    # --- streams ----------------------------------------------------------------------------------

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=[c for c, _ in Stream.Status.choices]),
            OpenApiParameter("user", description="Host id or username."),
        ],
        responses=s.StreamOutputSerializer(many=True),
    )
    def list(self, request):
        status_filter = request.query_params.get("status")
        if status_filter and status_filter not in Stream.Status.values:
            raise ValidationFailed(errors={"status": ["Unknown status."]})
        host = self._user(request.query_params["user"]) if request.query_params.get("user") else None
        qs = selectors.stream_list(viewer=request.user, status=status_filter, host=host)
        page = self.paginate_queryset(qs)
        ctx = {"watchable_ids": selectors.stream_watchable_ids(viewer=request.user, streams=page)}
        return self.get_paginated_response(s.StreamOutputSerializer(page, many=True, context=ctx).data)

    @extend_schema(request=s.StreamCreateInputSerializer, responses={201: s.StreamWithKeyOutputSerializer})
    @idempotent
    def create(self, request):
        data = s.StreamCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stream, key = services.stream_create(host=request.user, **data.validated_data)
        return _stream_response(
            stream, request, serializer=s.StreamWithKeyOutputSerializer, context={"stream_key": key}, status_code=201
        )

    @extend_schema(responses=s.StreamOutputSerializer)
    def retrieve(self, request, pk=None):
        return _stream_response(self._stream(), request)

    @extend_schema(request=s.StreamUpdateInputSerializer, responses=s.StreamHostOutputSerializer)
    def partial_update(self, request, pk=None):
        stream = self._stream()
        data = s.StreamUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        chat_settings = {k: changes.pop(k) for k in list(changes) if k in services.moderation.SETTING_ACTIONS}
        if stream.host_id != request.user.pk:
            raise PermissionDenied("Only the host can edit this stream.")
        if changes:
            stream = services.stream_update(stream=stream, actor=request.user, **changes)
        if chat_settings:
            services.chat_settings_update(stream_id=stream.pk, actor=request.user, **chat_settings)
        return _stream_response(selectors.stream_get_visible(viewer=request.user, id=stream.pk), request)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.stream_cancel(stream=self._hosted(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.StreamHostOutputSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        stream = services.stream_start(stream=self._hosted(), actor=request.user)
        return _stream_response(selectors.stream_get_visible(viewer=request.user, id=stream.pk), request)

    @extend_schema(request=None, responses=s.StreamHostOutputSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        stream = services.stream_end(stream=self._hosted(), actor=request.user)
        return _stream_response(selectors.stream_get_visible(viewer=request.user, id=stream.pk), request)

    @extend_schema(request=None, responses=s.StreamKeyOutputSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request, pk=None):
        stream, key = services.stream_rotate_key(stream=self._hosted(), actor=request.user)
        return Response(
            s.StreamKeyOutputSerializer({"ingest_endpoint": stream.ingest_endpoint, "stream_key": key}).data
        )

    @extend_schema(responses=s.StreamKeyOutputSerializer)
    @action(detail=True, methods=["get"])
    def key(self, request, pk=None):
        stream = self._hosted()
        key = services.stream_key_reveal(stream=stream, actor=request.user)
        return Response(
            s.StreamKeyOutputSerializer({"ingest_endpoint": stream.ingest_endpoint, "stream_key": key}).data
        )

    @extend_schema(responses=s.AnalyticsOutputSerializer)
    @action(detail=True, methods=["get"])
    def analytics(self, request, pk=None):
        stream = self._hosted()
        return Response(s.AnalyticsOutputSerializer(selectors.stream_analytics(stream=stream)).data)

    # --- chat -------------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter("before", description="Message id: return older messages.", type=str),
            OpenApiParameter("limit", type=int),
        ],
        responses=s.ChatHistoryOutputSerializer,
    )
    @extend_schema(methods=["POST"], request=s.ChatSendInputSerializer, responses={201: s.ChatMessageOutputSerializer})
    @action(detail=True, methods=["get", "post"], throttle_classes=[ChatThrottle])
    def chat(self, request, pk=None):
        stream = self._stream()
        if request.method == "POST":
            data = s.ChatSendInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            message = services.chat_message_send(
                stream_id=stream.pk, user=request.user, body=data.validated_data["body"]
            )
            return Response(s.ChatMessageOutputSerializer(message).data, status=201)
        if not selectors.stream_can_watch(viewer=request.user, stream=stream):
            raise PermissionDenied("Subscribe to read this chat.")
        return Response(self._chat_page(stream))

    def _chat_page(self, stream):
        params = self.request.query_params
        try:
            limit = min(CHAT_PAGE_MAX, max(1, int(params.get("limit", CHAT_PAGE_DEFAULT))))
        except ValueError:
            raise ValidationFailed(errors={"limit": ["An integer."]}) from None
        qs = selectors.chat_message_list(viewer=self.request.user, stream=stream).order_by("-id")
        if params.get("before"):
            try:
                qs = qs.filter(id__lt=uuid.UUID(params["before"]))
            except ValueError:
                raise ValidationFailed(errors={"before": ["A message id."]}) from None
        rows = list(qs[: limit + 1])
        page = rows[:limit]
        return {
            "results": s.ChatMessageOutputSerializer(page, many=True).data,
            "next_before": str(page[-1].pk) if len(rows) > limit else None,
        }

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"chat/(?P<message_id>[0-9a-fA-F-]{36})")
    def chat_message_delete(self, request, pk=None, message_id=None):
        services.chat_message_delete(stream_id=self._stream().pk, actor=request.user, message_id=message_id)
        return Response(status=204)

    @extend_schema(request=None, responses=s.ChatMessageOutputSerializer)
    @action(detail=True, methods=["post"], url_path=r"chat/(?P<message_id>[0-9a-fA-F-]{36})/pin")
    def chat_message_pin(self, request, pk=None, message_id=None):
        message = services.chat_message_pin(stream_id=self._stream().pk, actor=request.user, message_id=message_id)
        return Response(s.ChatMessageOutputSerializer(message).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path="pin")
    def chat_unpin(self, request, pk=None):
        services.chat_message_unpin(stream_id=self._stream().pk, actor=request.user)
        return Response(status=204)

    @extend_schema(request=None, responses=s.ClearedOutputSerializer)
    @action(detail=True, methods=["post"], url_path="chat/clear")
    def chat_clear(self, request, pk=None):
        hidden = services.chat_clear(stream_id=self._stream().pk, actor=request.user)
        return Response({"hidden": hidden})

    @extend_schema(request=s.ChatSettingsInputSerializer, responses=s.StreamOutputSerializer)
    @action(detail=True, methods=["patch"], url_path="chat-settings")
    def chat_settings(self, request, pk=None):
        stream = self._stream()
        data = s.ChatSettingsInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.chat_settings_update(stream_id=stream.pk, actor=request.user, **data.validated_data)
        return _stream_response(selectors.stream_get_visible(viewer=request.user, id=stream.pk), request)

    @extend_schema(request=s.TimeoutInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def timeouts(self, request, pk=None):
        stream = self._stream()
        data = s.TimeoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.chat_user_timeout(
            stream_id=stream.pk, actor=request.user, user=self._user(data.validated_data["user"]),
            minutes=data.validated_data["minutes"], reason=data.validated_data["reason"],
        )  # fmt: skip
        return Response(status=204)

    @extend_schema(request=s.BanInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def bans(self, request, pk=None):
        stream = self._stream()
        data = s.BanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.chat_user_ban(
            stream_id=stream.pk, actor=request.user, user=self._user(data.validated_data["user"]),
            reason=data.validated_data["reason"],
        )  # fmt: skip
        return Response(status=204)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"bans/(?P<user_ref>[^/]+)")
    def unban(self, request, pk=None, user_ref=None):
        services.chat_user_unban(stream_id=self._stream().pk, actor=request.user, user=self._user(user_ref))
        return Response(status=204)

    @extend_schema(methods=["GET"], responses=s.ModeratorOutputSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.UserRefInputSerializer, responses={201: s.ModeratorOutputSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a plain list, as documented
    def moderators(self, request, pk=None):
        stream = self._stream()
        if request.method == "GET":
            if not selectors.stream_is_moderator(stream=stream, user=request.user):
                raise PermissionDenied("Only the host and moderators can see this.")
            rows = selectors.stream_moderator_list(stream=stream)
            return Response(s.ModeratorOutputSerializer(rows, many=True).data)
        if stream.host_id != request.user.pk:
            raise PermissionDenied("Only the host appoints moderators.")
        data = s.UserRefInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moderator = services.moderator_add(
            stream_id=stream.pk, actor=request.user, user=self._user(data.validated_data["user"])
        )
        return Response(s.ModeratorOutputSerializer(moderator).data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"moderators/(?P<user_ref>[^/]+)")
    def moderator_remove(self, request, pk=None, user_ref=None):
        services.moderator_remove(stream_id=self._hosted().pk, actor=request.user, user=self._user(user_ref))
        return Response(status=204)

    @extend_schema(responses=s.ModerationActionOutputSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="moderation-log")
    def moderation_log(self, request, pk=None):
        stream = self._stream()
        if not selectors.stream_is_moderator(stream=stream, user=request.user):
            raise PermissionDenied("Only the host and moderators can see this.")
        qs = ChatModerationAction.objects.filter(stream=stream).select_related("actor", "target_user")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ModerationActionOutputSerializer(page, many=True).data)

    # --- self-hosted ingest (nginx-rtmp on_publish / on_publish_done) ------------------------------

    @extend_schema(request=s.RtmpCallbackInputSerializer, responses={204: None, 302: None})
    @action(
        detail=False,
        methods=["post"],
        url_path="webhooks/rtmp",
        authentication_classes=[],
        permission_classes=[AllowAny],
    )
    def rtmp_callback(self, request):
        # nginx-rtmp cannot send headers, so the shared secret rides in the callback URL's query string.
        if not services.streams.rtmp_callback_secret_matches(request.query_params.get("secret")):
            raise PermissionDenied("Bad callback secret.")
        data = s.RtmpCallbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["call"] == "publish_done":
            services.stream_rtmp_publish_done(name=data.validated_data["name"])
            return Response(status=204)
        stream = services.stream_rtmp_publish(key=data.validated_data["name"])
        if stream is None:
            raise PermissionDenied("Unknown or finished stream key.")
        # A 3xx makes nginx-rtmp rename the publish to the Location: HLS and recordings use the stream id.
        return Response(status=302, headers={"Location": str(stream.pk)})

    # --- IVS webhook --------------------------------------------------------------------------------

    @extend_schema(request=s.IvsEventInputSerializer, responses={204: None})
    @action(
        detail=False,
        methods=["post"],
        url_path="webhooks/ivs",
        authentication_classes=[],
        permission_classes=[AllowAny],
    )
    def ivs_webhook(self, request):
        if not services.streams.ivs_webhook_secret_matches(request.headers.get("X-IVS-Webhook-Secret")):
            raise PermissionDenied("Bad webhook secret.")
        data = s.IvsEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.stream_ivs_event_apply(event=data.validated_data)
        return Response(status=204)
