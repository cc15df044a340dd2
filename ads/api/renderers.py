from rest_framework.renderers import BaseRenderer

from ads.reporting import report_csv


class ReportCSVRenderer(BaseRenderer):
    """`?format=csv` on a campaign report: the same rows and totals as the JSON, as CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "rows" in data and "totals" in data:
            return report_csv(data).encode()
        # Errors keep their JSON body even when CSV was asked for.
        import json

        return json.dumps(data, default=str).encode()
