"""The notifications API: thin views over notifications.selectors and notifications.services."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.exceptions import ValidationFailed
from core.pagination import CursorPagination
from notifications import emails, selectors, services
from notifications.api import serializers as s
from notifications.catalogue import CATALOGUE, CHANNELS, NotificationType
from notifications.models import Notification, PushDevice
from notifications.preferences import channel_matrix
from users.models import User

UUID_REGEX = r"[0-9a-fA-F-]{32,36}"


class GroupCursorPagination(CursorPagination):
    ordering = "-latest_id"


def _bool_param(value):
    if value is None or value == "":
        return None
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ValidationFailed("Expected true or false.", errors={"unread": ["Expected true or false."]})


LIST_PARAMETERS = [
    OpenApiParameter("type", OpenApiTypes.STR, enum=NotificationType.values, description="Only this type."),
    OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: only unread; false: only read."),
    OpenApiParameter("grouped", OpenApiTypes.BOOL, description='Collapse into groups ("ana and 12 others ...").'),
]


class NotificationViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.NotificationOutputSerializer
    lookup_value_regex = UUID_REGEX
    queryset = Notification.objects.none()  # the schema's model; every action asks the selectors

    def _filters(self):
        type_ = self.request.query_params.get("type") or None
        if type_ and type_ not in CATALOGUE:
            raise ValidationFailed("Unknown notification type.", errors={"type": ["Unknown notification type."]})
        return type_, _bool_param(self.request.query_params.get("unread"))

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses={
            200: PolymorphicProxySerializer(
                component_name="NotificationOrGroup",
                serializers=[s.NotificationOutputSerializer, s.NotificationGroupOutputSerializer],
                resource_type_field_name=None,
                many=True,
            )
        },
    )
    def list(self, request):
        """Your notifications, newest first. With `grouped=true` items are NotificationGroup objects."""
        type_, unread = self._filters()
        if _bool_param(request.query_params.get("grouped")):
            paginator = GroupCursorPagination()
            rows = paginator.paginate_queryset(
                selectors.notification_group_list(viewer=request.user, type_=type_, unread=unread), request, self
            )
            groups = selectors.notification_groups_expand(viewer=request.user, rows=rows)
            return paginator.get_paginated_response(s.NotificationGroupOutputSerializer(groups, many=True).data)
        page = self.paginate_queryset(selectors.notification_list(viewer=request.user, type_=type_, unread=unread))
        return self.get_paginated_response(s.NotificationOutputSerializer(page, many=True).data)

    @extend_schema(responses={200: s.NotificationOutputSerializer})
    def retrieve(self, request, pk=None):
        notification = selectors.notification_get(viewer=request.user, notification_id=pk)
        return Response(s.NotificationOutputSerializer(notification).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.notification_delete(viewer=request.user, notification_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: s.NotificationOutputSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(viewer=request.user, notification_id=pk)
        return Response(s.NotificationOutputSerializer(notification).data)

    @extend_schema(request=s.ReadAllInputSerializer, responses={200: s.ReadAllOutputSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        data = s.ReadAllInputSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        marked, unread = services.notification_mark_all_read(
            viewer=request.user, group_key=data.validated_data.get("group_key") or None
        )
        return Response({"marked": marked, "unread_count": unread})

    @extend_schema(responses={200: s.UnreadCountOutputSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread_count": selectors.unread_count(viewer=request.user)})

    @extend_schema(responses={200: s.NotificationOutputSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def requests(self, request):
        """Notifications from strangers held back by your stranger policy ("filter")."""
        qs = selectors.notification_list(viewer=request.user, box=Notification.Box.REQUEST)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.NotificationOutputSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: s.NotificationOutputSerializer})
    @action(detail=True, methods=["post"], url_path="accept")
    def accept(self, request, pk=None):
        """Accept a request: it moves to the inbox and its sender is no longer filtered."""
        notification = services.notification_request_accept(viewer=request.user, notification_id=pk)
        return Response(s.NotificationOutputSerializer(notification).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path="dismiss")
    def dismiss(self, request, pk=None):
        services.notification_request_dismiss(viewer=request.user, notification_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _settings_payload(prefs, user) -> dict:
    return {
        "channels": channel_matrix(prefs),
        "locked": {t: sorted(spec.locked) for t, spec in CATALOGUE.items() if spec.locked},
        "quiet_hours": {"start": prefs.quiet_hours_start, "end": prefs.quiet_hours_end},
        "timezone": user.timezone,
        "stranger_policy": prefs.stranger_policy,
        "stranger_min_account_age_days": prefs.stranger_min_account_age_days,
        "email_digest": prefs.email_digest,
    }


class NotificationSettingsViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.NotificationSettingsOutputSerializer
    pagination_class = None

    @extend_schema(responses={200: s.NotificationSettingsOutputSerializer})
    def retrieve(self, request):
        prefs = selectors.notification_settings_for(viewer=request.user)
        return Response(s.NotificationSettingsOutputSerializer(_settings_payload(prefs, request.user)).data)

    @extend_schema(
        request=s.NotificationSettingsInputSerializer, responses={200: s.NotificationSettingsOutputSerializer}
    )
    def update(self, request):
        """Change any part: a partial `channels` matrix, quiet hours (null: off), stranger policy, digest."""
        data = s.NotificationSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "quiet_hours" in v:
            qh = v.pop("quiet_hours")
            v["quiet_hours"] = (qh["start"], qh["end"]) if qh and (qh["start"] or qh["end"]) else None
        if "channels" in v:
            v["channels"] = {t: {c: on for c, on in sw.items() if c in CHANNELS} for t, sw in v["channels"].items()}
        prefs = services.notification_settings_update(user=request.user, **v)
        return Response(s.NotificationSettingsOutputSerializer(_settings_payload(prefs, request.user)).data)


class PushTokenViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = s.PushDeviceOutputSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PushDevice.objects.none()
        return selectors.push_device_list(viewer=self.request.user)

    @extend_schema(responses={200: s.PushDeviceOutputSerializer(many=True)})
    def list(self, request):
        """Your active push devices."""
        return Response(s.PushDeviceOutputSerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=s.PushTokenInputSerializer, responses={201: s.PushDeviceOutputSerializer})
    def create(self, request):
        """Register an FCM token (`kind=fcm`, `token`) or a Web Push subscription (`kind=webpush`, `subscription`)."""
        data = s.PushTokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["kind"] == PushDevice.Kind.WEBPUSH:
            sub = v["subscription"]
            device = services.push_device_register(
                user=request.user,
                kind=v["kind"],
                token=sub["endpoint"],
                platform=v.get("platform"),
                p256dh=sub["keys"]["p256dh"],
                auth=sub["keys"]["auth"],
            )
        else:
            device = services.push_device_register(
                user=request.user, kind=v["kind"], token=v["token"], platform=v.get("platform")
            )
        return Response(s.PushDeviceOutputSerializer(device).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PushTokenDeleteInputSerializer, responses={204: None})
    def unregister(self, request):
        """Stop pushes to a device (sign-out): the FCM token or the Web Push endpoint."""
        data = s.PushTokenDeleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.push_device_unregister(user=request.user, token=data.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt  # the signed token is the credential; mail clients POST here without cookies (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """One-click unsubscribe from one type of email. GET shows a confirmation button (link scanners
    prefetch GETs and must not unsubscribe anyone); POST, from that button or a mail client's
    List-Unsubscribe-Post, switches the email channel of that type off. No login needed."""
    parsed = emails.unsubscribe_token_read(token)
    user = User.objects.filter(pk=parsed[0]).first() if parsed else None
    if user is None:
        return TemplateResponse(request, "notifications/unsubscribe.html", {"state": "invalid"}, status=400)
    type_ = parsed[1]
    label = "the daily digest" if type_ == emails.DIGEST else f"“{NotificationType(type_).label}” emails"
    context = {"state": "confirm", "label": label, "email": user.email}
    if request.method == "POST":
        try:
            services.notification_unsubscribe(user=user, type_=type_)
        except ValidationFailed as exc:
            context.update(state="refused", detail=exc.detail)
            return TemplateResponse(request, "notifications/unsubscribe.html", context, status=400)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        context["state"] = "done"
    return TemplateResponse(request, "notifications/unsubscribe.html", context)
