"""Follow endpoints: /users/{id}/follow|follower|followers|following|relationship, /follow-requests."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.pagination import CursorPagination
from social import services
from social.api.serializers import (
    FollowerEdgeSerializer,
    FollowInputSerializer,
    FollowRequestSerializer,
    FollowResultSerializer,
    RelationshipSerializer,
)
from social.selectors import graph as selectors
from users.models import FollowRequest, User


def _edge_rows(page, field: str) -> list[dict]:
    return [
        {"id": e.id, "user": getattr(e, field), "created_at": e.created_at, "viewer_follows": e.viewer_follows}
        for e in page
    ]


class UserGraphViewSet(viewsets.GenericViewSet):
    """The follow graph around one account (`{id}` is the account id or username)."""

    queryset = User.objects.none()  # for the schema: the views read through selectors
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = CursorPagination
    serializer_class = RelationshipSerializer

    def _relationship(self, request, other):
        return RelationshipSerializer(selectors.relationship(viewer=request.user, other=other)).data

    @extend_schema(request=FollowInputSerializer, responses={201: FollowResultSerializer, 200: FollowResultSerializer})
    @action(detail=True, methods=["post"], url_path="follow", permission_classes=[IsAuthenticated])
    def follow(self, request, pk=None):
        other = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        data = FollowInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edge, created = services.follow_user(
            follower=request.user, following=other, hide_reposts=data.validated_data.get("hide_reposts")
        )
        body = {
            "status": "requested" if isinstance(edge, FollowRequest) else "following",
            "relationship": self._relationship(request, other),
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @follow.mapping.delete
    @extend_schema(request=None, responses={200: RelationshipSerializer})
    def unfollow(self, request, pk=None):
        other = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        services.unfollow_user(follower=request.user, following=other)
        return Response(self._relationship(request, other))

    @extend_schema(request=None, responses={200: RelationshipSerializer})
    @action(detail=True, methods=["delete"], url_path="follower", permission_classes=[IsAuthenticated])
    def follower(self, request, pk=None):
        """Remove this account from my followers."""
        other = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        services.follower_drop(user=request.user, follower=other)
        return Response(self._relationship(request, other))

    @extend_schema(responses={200: FollowerEdgeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def followers(self, request, pk=None):
        user = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        page = self.paginate_queryset(selectors.followers_list(viewer=request.user, user=user))
        return self.get_paginated_response(FollowerEdgeSerializer(_edge_rows(page, "follower"), many=True).data)

    @extend_schema(responses={200: FollowerEdgeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def following(self, request, pk=None):
        user = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        page = self.paginate_queryset(selectors.following_list(viewer=request.user, user=user))
        return self.get_paginated_response(FollowerEdgeSerializer(_edge_rows(page, "following"), many=True).data)

    @extend_schema(responses={200: RelationshipSerializer})
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def relationship(self, request, pk=None):
        other = selectors.user_get_for_viewer(viewer=request.user, id=pk)
        return Response(self._relationship(request, other))


class FollowRequestViewSet(viewsets.GenericViewSet):
    """Requests to follow me (my account is private): list, accept, reject."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination
    serializer_class = FollowRequestSerializer

    def _relationship_data(self, request, other):
        return RelationshipSerializer(selectors.relationship(viewer=request.user, other=other)).data

    def get_queryset(self):
        return selectors.follow_requests_incoming(viewer=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FollowRequestSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: RelationshipSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        request_obj = selectors.follow_request_get(viewer=request.user, id=pk)
        services.follow_request_approve(request_obj=request_obj, by=request.user)
        return Response(self._relationship_data(request, request_obj.requester))

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Rejected.")})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        request_obj = selectors.follow_request_get(viewer=request.user, id=pk)
        services.follow_request_decline(request_obj=request_obj, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
