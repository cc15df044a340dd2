"""auth/sessions and auth/api-keys: the person's own credentials, listed and revoked."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.pagination import LimitOffsetPagination
from users import selectors, services
from users.api.serializers.auth import (
    ApiKeyCreatedSerializer,
    ApiKeyInputSerializer,
    ApiKeySerializer,
    SessionSerializer,
)
from users.api.views.common import NotApiKey, current_session_id
from users.models import ApiKey, UserSession


class SessionViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, NotApiKey]
    pagination_class = LimitOffsetPagination
    serializer_class = SessionSerializer
    queryset = UserSession.objects.none()  # for the schema only; reads go through selectors

    @extend_schema(responses={200: SessionSerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(selectors.sessions_list(user=request.user))
        context = {"request": request, "current_session_id": current_session_id(request)}
        return self.get_paginated_response(SessionSerializer(page, many=True, context=context).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.session_delete(user=request.user, session_id=_uuid_or_404(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiKeyViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, NotApiKey]
    serializer_class = ApiKeySerializer
    queryset = ApiKey.objects.none()  # for the schema only; reads go through selectors

    @extend_schema(responses={200: ApiKeySerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(selectors.api_keys_list(user=request.user))
        return self.get_paginated_response(ApiKeySerializer(page, many=True).data)

    @extend_schema(request=ApiKeyInputSerializer, responses={201: ApiKeyCreatedSerializer})
    def create(self, request):
        serializer = ApiKeyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, raw = services.api_key_create(user=request.user, **serializer.validated_data)
        body = ApiKeyCreatedSerializer({**ApiKeySerializer(key).data, "key": raw}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.api_key_revoke(user=request.user, key_id=_uuid_or_404(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _uuid_or_404(value):
    import uuid

    from core.exceptions import NotFound

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("Not found.") from None
