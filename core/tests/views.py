"""Deliberately misbehaving views, mounted only by core tests (core/tests/urls.py)."""

from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import Conflict
from core.idempotency import idempotent
from core.throttling import IPThrottle, ScopedThrottle


class EchoInput(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    age = serializers.IntegerField(min_value=0)


class ValidateView(APIView):
    permission_classes = []

    def post(self, request):
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class PrivateView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


class Never(BasePermission):
    def has_permission(self, request, view):
        return False


class ForbiddenView(APIView):
    permission_classes = [Never]

    def get(self, request):
        return Response({})


class ConflictView(APIView):
    permission_classes = []

    def post(self, request):
        raise Conflict("Already there.")


class BrokenView(APIView):
    permission_classes = []

    def get(self, request):
        raise RuntimeError("secret-token-abc SELECT * FROM users")


class TightThrottle(IPThrottle):
    scope = "core_test"
    rate = "2/min"


class ThrottledView(APIView):
    permission_classes = []
    throttle_classes = [TightThrottle]

    def get(self, request):
        return Response({"ok": True})


CALLS = {"count": 0}


class CreateThing(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "user"

    def get_throttles(self):
        return []

    @idempotent
    def post(self, request):
        CALLS["count"] += 1
        return Response({"n": CALLS["count"], "echo": request.data}, status=201)
