"""OpenAPI: every operation documents the one error shape for the statuses it can really return."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorResponseSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="urn:socialflow:error:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Messages per field."
    )
    request_id = serializers.CharField()

    class Meta:
        ref_name = "ErrorResponse"


_ERROR = OpenApiResponse(ErrorResponseSerializer, description="Error (see the error shape).")


class AutoSchema(SpectacularAutoSchema):
    """Adds error responses an operation can produce unless the view already declared them."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = {"429": _ERROR, "413": _ERROR}
        method = self.method.upper()
        # DELETE too: some take a body (password, token) and every path id is validated.
        if method in ("POST", "PUT", "PATCH", "DELETE") or self._is_list_with_filters():
            extra["400"] = _ERROR
        # Lists too: an unknown cursor or a filter naming an unknown account is a 404 (found by the
        # schema fuzzing in tests/reliability).
        extra["404"] = _ERROR
        # Writes run state machines (core.exceptions.Conflict: already pending, not in that state).
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            extra["409"] = _ERROR
        if self.get_auth():
            extra["401"] = _ERROR
            extra["403"] = _ERROR
        extra["503"] = _ERROR
        for code, resp in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(resp.response, code, direction=direction)
        return responses

    def _is_list_with_filters(self) -> bool:
        return self.method.upper() == "GET"
