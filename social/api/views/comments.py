"""/comments/{id}: read, edit, delete, replies, likes, pin."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.pagination import CursorPagination
from social import services
from social.api.serializers import (
    CommentOutputSerializer,
    CommentUpdateSerializer,
    CountStateSerializer,
    LikeSerializer,
)
from social.models import Comment
from social.pagination import KeysetPage, paginated_response
from social.selectors import comments as selectors
from social.selectors import engagement as engagement_selectors

REPLIES_ORDER = KeysetPage(["id"], descending=False)  # a conversation reads oldest first


class CommentViewSet(viewsets.GenericViewSet):
    queryset = Comment.objects.none()  # for the schema: the views read through selectors
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = CursorPagination
    serializer_class = CommentOutputSerializer

    def _comment(self, request, pk, *, include_removed: bool = False):
        return selectors.comment_get_visible(viewer=request.user, id=pk, include_removed=include_removed)

    @extend_schema(responses={200: CommentOutputSerializer})
    def retrieve(self, request, pk=None):
        return Response(CommentOutputSerializer(self._comment(request, pk, include_removed=True)).data)

    @extend_schema(request=CommentUpdateSerializer, responses={200: CommentOutputSerializer})
    def partial_update(self, request, pk=None):
        comment = self._comment(request, pk)
        data = CommentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.comment_update(comment=comment, by=request.user, text=data.validated_data["text"])
        updated.viewer_liked = comment.viewer_liked
        return Response(CommentOutputSerializer(updated).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted.")})
    def destroy(self, request, pk=None):
        comment = self._comment(request, pk)
        services.comment_delete(comment=comment, by=request.user, target=comment.target)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: CommentOutputSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def replies(self, request, pk=None):
        comment = self._comment(request, pk, include_removed=True)
        rows, next_values = REPLIES_ORDER.rows(request, selectors.comment_replies(viewer=request.user, comment=comment))
        return paginated_response(request, CommentOutputSerializer(rows, many=True).data, next_values)

    @extend_schema(request=None, responses={201: CountStateSerializer, 200: CountStateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def like(self, request, pk=None):
        comment = self._comment(request, pk)
        _, created = services.like_create(user=request.user, target=comment)
        comment.refresh_from_db(fields=["like_count"])
        body = {"liked": True, "likes_count": comment.like_count}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @like.mapping.delete
    @extend_schema(request=None, responses={200: CountStateSerializer})
    def unlike(self, request, pk=None):
        comment = self._comment(request, pk)
        services.like_delete(user=request.user, target=comment)
        comment.refresh_from_db(fields=["like_count"])
        return Response({"liked": False, "likes_count": comment.like_count})

    @extend_schema(responses={200: LikeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def likes(self, request, pk=None):
        comment = self._comment(request, pk)
        page = self.paginate_queryset(engagement_selectors.likers_list(viewer=request.user, target=comment))
        return self.get_paginated_response(LikeSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: CommentOutputSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def pin(self, request, pk=None):
        """The item's author pins this comment (replacing any other pinned one)."""
        comment = self._comment(request, pk)
        comment = services.comment_pin(comment=comment, by=request.user, target=comment.target)
        return Response(CommentOutputSerializer(comment).data)

    @pin.mapping.delete
    @extend_schema(request=None, responses={200: CommentOutputSerializer})
    def unpin(self, request, pk=None):
        comment = self._comment(request, pk)
        comment = services.comment_unpin(comment=comment, by=request.user, target=comment.target)
        return Response(CommentOutputSerializer(comment).data)
