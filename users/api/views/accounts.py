"""users/*: profiles (own and others'), search, avatar, deletion, exports, blocks and mutes."""

from datetime import timedelta

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.exceptions import NotFound
from users import selectors, services
from users.api.serializers.accounts import (
    AvatarInputSerializer,
    BlockSerializer,
    DataExportSerializer,
    MuteInputSerializer,
    MuteSerializer,
    PasswordInputSerializer,
    UserCardSerializer,
    UserMeSerializer,
    UserPublicSerializer,
    UserUpdateInputSerializer,
)
from users.api.views.common import NotApiKey

EXPORT_ID = OpenApiParameter("export_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class UserViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[^/]+"
    serializer_class = UserPublicSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action in ("block", "mute"):
            return [IsAuthenticated()]
        if self.action == "me" and self.request.method == "GET":
            return [IsAuthenticated()]
        return [IsAuthenticated(), NotApiKey()]

    def get_queryset(self):
        return selectors.user_search(viewer=self.request.user, query=self.request.query_params.get("search", ""))

    def _target(self, lookup, *, blockable=False):
        finder = selectors.user_get_blockable if blockable else selectors.user_get_visible
        user = finder(viewer=self.request.user, lookup=lookup)
        if user is None:
            raise NotFound("No such account.")
        return user

    def _me(self, request, instance=None):
        return Response(UserMeSerializer(instance or request.user, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Part of a username or display name.")],
        responses={200: UserCardSerializer(many=True)},
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(UserCardSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description="An account id or username.")],
        responses={200: UserPublicSerializer},
    )
    def retrieve(self, request, pk=None):
        return Response(UserPublicSerializer(self._target(pk), context={"request": request}).data)

    @extend_schema(methods=["GET"], responses={200: UserMeSerializer})
    @extend_schema(methods=["PATCH"], request=UserUpdateInputSerializer, responses={200: UserMeSerializer})
    @extend_schema(
        methods=["DELETE"],
        request=PasswordInputSerializer,
        responses={202: UserMeSerializer},
        description="Deactivates the account now and erases its personal data after a 30-day grace period; "
        "signing in during it cancels the deletion.",
    )
    @action(detail=False, methods=["get", "patch", "delete"])
    def me(self, request):
        if request.method == "GET":
            return self._me(request)
        if request.method == "PATCH":
            serializer = UserUpdateInputSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            user = services.user_profile_update(user=request.user, data=serializer.validated_data)
            return self._me(request, user)
        serializer = PasswordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.account_delete_request(user=request.user, password=serializer.validated_data["password"])
        return Response(UserMeSerializer(user, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request={"multipart/form-data": AvatarInputSerializer}, responses={200: UserMeSerializer})
    @action(detail=False, methods=["post"], url_path="me/avatar")
    def avatar(self, request):
        serializer = AvatarInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_avatar_set(user=request.user, upload=serializer.validated_data["avatar"])
        return self._me(request, user)

    @extend_schema(request=None, responses={202: DataExportSerializer})
    @action(detail=False, methods=["post"], url_path="me/export")
    def export(self, request):
        export = services.data_export_request(user=request.user)
        export.refresh_from_db()  # the task may already have run (eager mode)
        return Response(
            DataExportSerializer(export, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(responses={200: DataExportSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="me/exports")
    def exports(self, request):
        page = self.paginate_queryset(selectors.data_exports_list(user=request.user))
        return self.get_paginated_response(DataExportSerializer(page, many=True, context={"request": request}).data)

    def _export(self, request, export_id):
        export = selectors.data_export_get(user=request.user, export_id=export_id)
        if export is None:
            raise NotFound("No such export.")
        return export

    @extend_schema(parameters=[EXPORT_ID], responses={200: DataExportSerializer})
    @action(detail=False, methods=["get"], url_path=r"me/exports/(?P<export_id>[^/.]+)")
    def export_detail(self, request, export_id=None):
        export = self._export(request, export_id)
        return Response(DataExportSerializer(export, context={"request": request}).data)

    @extend_schema(parameters=[EXPORT_ID], responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path=r"me/exports/(?P<export_id>[^/.]+)/download")
    def export_download(self, request, export_id=None):
        export = self._export(request, export_id)
        if export.status != export.Status.READY or not export.file:
            raise NotFound("This export is not ready.")
        response = FileResponse(
            export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
        )
        response["Content-Type"] = "application/zip"
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={200: BlockSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="me/blocks")
    def blocks(self, request):
        page = self.paginate_queryset(selectors.blocks_list(viewer=request.user))
        return self.get_paginated_response(BlockSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses={200: MuteSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="me/mutes")
    def mutes(self, request):
        page = self.paginate_queryset(selectors.mutes_list(viewer=request.user))
        return self.get_paginated_response(MuteSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(methods=["POST"], request=None, responses={201: BlockSerializer, 200: BlockSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["post", "delete"])
    def block(self, request, pk=None):
        target = self._target(pk, blockable=True)
        if request.method == "DELETE":
            if not services.block_delete(blocker=request.user, blocked=target):
                raise NotFound("You are not blocking this account.")
            return Response(status=status.HTTP_204_NO_CONTENT)
        block, created = services.block_create(blocker=request.user, blocked=target)
        return Response(
            BlockSerializer(block, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["POST"],
        request=MuteInputSerializer,
        responses={201: MuteSerializer, 200: MuteSerializer},
    )
    @extend_schema(
        methods=["DELETE"], request=None, responses={204: None, 404: OpenApiResponse(description="Not muted")}
    )
    @action(detail=True, methods=["post", "delete"])
    def mute(self, request, pk=None):
        target = self._target(pk)
        if request.method == "DELETE":
            if not services.mute_delete(muter=request.user, muted=target):
                raise NotFound("You are not muting this account.")
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = MuteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seconds = serializer.validated_data.get("duration")
        mute, created = services.mute_create(
            muter=request.user, muted=target, duration=timedelta(seconds=seconds) if seconds else None
        )
        return Response(
            MuteSerializer(mute, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
