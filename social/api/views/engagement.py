"""Likes, comments and saves on posts and videos; the viewer's saves and collections."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from content.models import Post, Video
from core.exceptions import ValidationFailed
from core.idempotency import idempotent
from core.pagination import CursorPagination
from social import services
from social.api.serializers import (
    CollectionInputSerializer,
    CollectionOutputSerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    CountStateSerializer,
    LikeSerializer,
    SaveInputSerializer,
    SaveOutputSerializer,
    SaveStateSerializer,
)
from social.api.throttles import CommentCreateThrottle
from social.models import Save, SaveCollection
from social.pagination import KeysetPage, paginated_response
from social.selectors import comments as comment_selectors
from social.selectors import engagement as selectors
from social.targets import content_get_visible

COMMENT_SORTS = {
    "newest": KeysetPage(["id"]),
    "top": KeysetPage(["like_count", "id"]),
}


class _ItemEngagementViewSet(viewsets.GenericViewSet):
    """Engagement on one item; `{id}` must be visible to the caller (else 404)."""

    kind = ""
    queryset = Post.objects.none()  # for the schema: the views read through selectors
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = CursorPagination
    serializer_class = CountStateSerializer

    def get_throttles(self):
        if self.action == "comments" and self.request.method == "POST":
            return [*super().get_throttles(), CommentCreateThrottle()]
        return super().get_throttles()

    def _item(self, request, pk):
        item = content_get_visible(viewer=request.user, kind=self.kind, id=pk)
        if self.kind == "post" and item.repost_of_id:
            # A repost is a pointer: liking, commenting on or saving it acts on the original.
            item = content_get_visible(viewer=request.user, kind="post", id=item.repost_of_id)
        return item

    def _like_state(self, item, liked: bool) -> dict:
        item.refresh_from_db(fields=["likes_count"])
        return {"liked": liked, "likes_count": item.likes_count}

    @extend_schema(request=None, responses={201: CountStateSerializer, 200: CountStateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def like(self, request, pk=None):
        item = self._item(request, pk)
        _, created = services.like_create(user=request.user, target=item)
        return Response(self._like_state(item, True), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @like.mapping.delete
    @extend_schema(request=None, responses={200: CountStateSerializer})
    def unlike(self, request, pk=None):
        item = self._item(request, pk)
        services.like_delete(user=request.user, target=item)
        return Response(self._like_state(item, False))

    @extend_schema(responses={200: LikeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def likes(self, request, pk=None):
        item = self._item(request, pk)
        page = self.paginate_queryset(selectors.likers_list(viewer=request.user, target=item))
        return self.get_paginated_response(LikeSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("sort", enum=list(COMMENT_SORTS), default="newest")],
        responses={200: CommentOutputSerializer(many=True)},
    )
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentOutputSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        item = self._item(request, pk)
        if request.method == "POST":
            return self._comment_create(request, item)
        sort = request.query_params.get("sort", "newest")
        if sort not in COMMENT_SORTS:
            raise ValidationFailed(errors={"sort": [f"Choose one of: {', '.join(COMMENT_SORTS)}."]})
        qs = comment_selectors.comment_list_for_target(viewer=request.user, target=item, kind=self.kind)
        rows, next_values = COMMENT_SORTS[sort].rows(request, qs)
        if "cursor" not in request.query_params:
            # The pinned comment heads the first page only; the keyset pages never include it.
            pinned = comment_selectors.comment_pinned_for_target(viewer=request.user, target=item, kind=self.kind)
            if pinned is not None:
                rows = [pinned, *rows]
        return paginated_response(request, CommentOutputSerializer(rows, many=True).data, next_values)

    @idempotent
    def _comment_create(self, request, item):
        if not request.user.is_authenticated:
            from core.exceptions import NotAuthenticated

            raise NotAuthenticated()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = comment_selectors.comment_get_visible(viewer=request.user, id=data.validated_data["parent"])
        comment = services.comment_create(
            author=request.user, target=item, text=data.validated_data["text"], parent=parent
        )
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SaveInputSerializer, responses={201: SaveStateSerializer, 200: SaveStateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def save(self, request, pk=None):
        item = self._item(request, pk)
        data = SaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        collection = None
        if data.validated_data.get("collection"):
            collection = selectors.collection_get(viewer=request.user, id=data.validated_data["collection"])
        save, created = services.save_create(user=request.user, target=item, collection=collection)
        body = SaveStateSerializer({"saved": True, "collection_id": save.collection_id}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @save.mapping.delete
    @extend_schema(request=None, responses={200: SaveStateSerializer})
    def unsave(self, request, pk=None):
        item = self._item(request, pk)
        services.save_delete(user=request.user, target=item)
        return Response(SaveStateSerializer({"saved": False, "collection_id": None}).data)


class PostEngagementViewSet(_ItemEngagementViewSet):
    kind = "post"


class VideoEngagementViewSet(_ItemEngagementViewSet):
    kind = "video"
    queryset = Video.objects.none()


class SaveViewSet(viewsets.GenericViewSet):
    """My saved posts and videos, newest first; `?collection=` narrows to one collection."""

    queryset = Save.objects.none()

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination
    serializer_class = SaveOutputSerializer

    @extend_schema(parameters=[OpenApiParameter("collection", str, required=False)])
    def list(self, request):
        collection = None
        if request.query_params.get("collection"):
            collection = selectors.collection_get(viewer=request.user, id=request.query_params["collection"])
        page = self.paginate_queryset(selectors.saves_list(viewer=request.user, collection=collection))
        return self.get_paginated_response(SaveOutputSerializer(page, many=True).data)


class CollectionViewSet(viewsets.GenericViewSet):
    """My named collections of saves."""

    queryset = SaveCollection.objects.none()

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination
    serializer_class = CollectionOutputSerializer

    def list(self, request):
        page = self.paginate_queryset(selectors.collections_list(viewer=request.user))
        return self.get_paginated_response(CollectionOutputSerializer(page, many=True).data)

    @extend_schema(request=CollectionInputSerializer, responses={201: CollectionOutputSerializer})
    def create(self, request):
        data = CollectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        collection = services.collection_create(owner=request.user, name=data.validated_data["name"])
        return Response(CollectionOutputSerializer(collection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CollectionInputSerializer, responses={200: CollectionOutputSerializer})
    def partial_update(self, request, pk=None):
        collection = selectors.collection_get(viewer=request.user, id=pk)
        data = CollectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        collection = services.collection_rename(
            collection=collection, by=request.user, name=data.validated_data["name"]
        )
        return Response(CollectionOutputSerializer(collection).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted; its saves stay, unfiled.")})
    def destroy(self, request, pk=None):
        collection = selectors.collection_get(viewer=request.user, id=pk)
        services.collection_delete(collection=collection, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
