"""The overview: audience, views, watch time and earnings over 7/28/90 days, with charts and top content."""

from django.views.decorators.http import require_GET

from socialflow.dashboard import charts, metrics
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.money import dashboard_currency, format_money, money_formatter
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.periods import PERIOD_CHOICES, day_label, period_from_request


def format_duration(seconds: float) -> str:
    """9 → "9 s", 90 → "1.5 min", 5400 → "1.5 h": watch time in the unit a person reads at a glance."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:,.1f} min"
    return f"{seconds / 3600:,.1f} h"


@require_GET
@dashboard_page
def overview(request):
    creator = request.user
    period = period_from_request(request)
    currency = dashboard_currency()
    followers = metrics.followers_series(creator=creator, period=period)
    views = metrics.views_series(creator=creator, period=period)
    earnings = metrics.earnings_summary(creator=creator, period=period, currency=currency)
    span = f"last {period.days} days"
    context = {
        "period": period,
        "period_choices": PERIOD_CHOICES,
        "followers": followers,
        "views": views,
        "watch_time": format_duration(views["watch_seconds"]),
        "earnings": earnings,
        "earnings_total": format_money(earnings["total"], currency),
        "top_videos": [
            {**v, "watch_time": format_duration(v["watch_seconds"])}
            for v in metrics.top_videos(creator=creator, period=period)
        ],
        "followers_chart": charts.line_chart(
            title="Followers over time",
            desc=f"Followers at the end of each day, {span}: {followers['total']} now, "
            f"{followers['gained']} gained in the period.",
            points=[(day_label(d), v) for d, v in followers["curve"]],
            x_label="Day",
            y_label="Followers",
        ),
        "views_chart": charts.bar_chart(
            title="Qualified views per day",
            desc=f"Qualified views of your videos per day, {span}: {views['views']} in total.",
            bars=[(day_label(d), v) for d, v in views["views_per_day"]],
            x_label="Day",
            y_label="Views",
        ),
        "earnings_chart": charts.bar_chart(
            title="Earnings by source",
            desc=f"Your net earnings by source, {span}: {format_money(earnings['total'], currency)} in total.",
            bars=earnings["by_source"],
            x_label="Source",
            y_label=f"Earnings ({currency.upper()})",
            fmt=money_formatter(currency),
        ),
        "earnings_rows": [(label, format_money(v, currency)) for label, v in earnings["by_source"]],
    }
    return render_page(request, "dashboard/overview.html", context, section="overview")
