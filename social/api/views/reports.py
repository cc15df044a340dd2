"""/reports: file a report; list my reports with the state of their case."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.pagination import CursorPagination
from social import services
from social.api.serializers import AbuseReportInputSerializer, AbuseReportOutputSerializer
from social.api.throttles import ReportCreateThrottle
from social.models import Report
from social.selectors import engagement as selectors


class ReportViewSet(viewsets.GenericViewSet):
    queryset = Report.objects.none()  # for the schema: the views read through selectors
    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination
    serializer_class = AbuseReportOutputSerializer

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), ReportCreateThrottle()]
        return super().get_throttles()

    def list(self, request):
        page = self.paginate_queryset(selectors.reports_for_reporter(viewer=request.user))
        return self.get_paginated_response(AbuseReportOutputSerializer(page, many=True).data)

    @extend_schema(request=AbuseReportInputSerializer, responses={201: AbuseReportOutputSerializer})
    def create(self, request):
        data = AbuseReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(reporter=request.user, **data.validated_data)
        return Response(AbuseReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)
