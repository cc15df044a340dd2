"""The overview: audience, views, watch time and earnings over 7/28/90 days, with charts and top content."""

from django.views.decorators.http import require_GET

from socialflow.dashboard import charts, metrics
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.periods import PERIOD_CHOICES, day_label, period_from_request


@require_GET
@dashboard_page
def overview(request):
    period = period_from_request(request)
    followers = metrics.followers_series(creator=request.user, period=period)
    context = {
        "period": period,
        "period_choices": PERIOD_CHOICES,
        "followers": followers,
        "followers_chart": charts.line_chart(
            title="Followers over time",
            desc=f"Followers at the end of each day, last {period.days} days: "
            f"{followers['total']} now, {followers['gained']} gained in the period.",
            points=[(day_label(d), v) for d, v in followers["curve"]],
            x_label="Day",
            y_label="Followers",
        ),
    }
    return render_page(request, "dashboard/overview.html", context, section="overview")
