"""Advertiser pages: campaigns (status, budget, spend, pause/resume), creatives with their review status,
and the campaign report with charts — read from the ads app's selectors and its report, never recomputed."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from ads.models.campaign import MILLI
from ads.reporting import campaign_report
from ads.selectors import (
    advertiser_balance_minor,
    advertiser_get_for_user,
    campaign_get_for_advertiser,
    campaign_list_for_advertiser,
    creative_list_for_campaign,
)
from ads.services import campaign_activate, campaign_create, campaign_pause, campaign_resume, creative_create
from core.exceptions import ApplicationError, NotFound
from socialflow.dashboard import charts
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.forms import CampaignForm, TextAdForm
from socialflow.dashboard.money import format_money
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.periods import PERIOD_CHOICES, day_label, period_from_request
from socialflow.dashboard.service_errors import flash_service_error, form_add_service_error

ACTIONS = {"activate": campaign_activate, "pause": campaign_pause, "resume": campaign_resume}


def _spent_minor(campaign) -> int:
    return campaign.spent_total_milli // MILLI


@require_http_methods(["GET", "POST"])
@dashboard_page
def campaigns(request):
    try:
        advertiser = advertiser_get_for_user(user=request.user)
    except NotFound:
        return render_page(request, "dashboard/ads_none.html", {}, section="ads")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(advertiser=advertiser, **form.values())
        except ApplicationError as exc:
            form_add_service_error(form, exc)
        else:
            return redirect("dashboard:campaign", campaign_id=campaign.pk)
    rows = [
        {
            "campaign": c,
            "budget": format_money(c.total_budget, c.currency),
            "daily": format_money(c.daily_budget, c.currency),
            "spent": format_money(_spent_minor(c), c.currency),
        }
        for c in campaign_list_for_advertiser(viewer=request.user).order_by("-created_at", "-id")
    ]
    context = {
        "advertiser": advertiser,
        "balance": format_money(advertiser_balance_minor(advertiser=advertiser), advertiser.currency),
        "rows": rows,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render_page(request, "dashboard/campaigns.html", context, section="ads", status=status)


def _own_campaign(request, campaign_id):
    try:
        return campaign_get_for_advertiser(viewer=request.user, id=campaign_id)
    except NotFound as exc:
        raise Http404("No such campaign.") from exc


def _spend_text(value: Decimal, currency: str) -> str:
    # Report spend is minor units with three decimals (CPM fractions); shown as money, rounded to the cent.
    return format_money(int(value.quantize(Decimal("1"))), currency)


@require_http_methods(["GET", "POST"])
@dashboard_page
def campaign_detail(request, campaign_id):
    campaign = _own_campaign(request, campaign_id)
    ad_form = TextAdForm(request.POST or None)
    if request.method == "POST" and ad_form.is_valid():
        try:
            # Created and submitted in one step: the ads app runs its automatic checks, then a reviewer.
            creative_create(campaign=campaign, format="text", **ad_form.cleaned_data)
        except ApplicationError as exc:
            form_add_service_error(ad_form, exc)
        else:
            return redirect("dashboard:campaign", campaign_id=campaign.pk)
    period = period_from_request(request)
    report = campaign_report(campaign=campaign, date_from=period.first_day, date_to=period.last_day, group_by="day")
    by_day = {row["key"]: row for row in report["rows"]}
    days = [(d, by_day.get(d.isoformat())) for d in period.dates]
    impressions = [(day_label(d), r["impressions"] if r else 0) for d, r in days]
    clicks = [(day_label(d), r["valid_clicks"] if r else 0) for d, r in days]
    spend = [(day_label(d), float(r["spend_minor"]) if r else 0) for d, r in days]
    totals = report["totals"]
    currency = campaign.currency
    context = {
        "campaign": campaign,
        "ad_form": ad_form,
        "period": period,
        "period_choices": PERIOD_CHOICES,
        "creatives": creative_list_for_campaign(viewer=request.user, campaign_id=campaign.pk).order_by("created_at"),
        "totals": totals,
        "ctr_percent": (totals["ctr"] * 100).quantize(Decimal("0.01")),
        "spend_total": _spend_text(totals["spend_minor"], currency),
        "budget": format_money(campaign.total_budget, currency),
        "impressions_chart": charts.bar_chart(
            title="Impressions per day",
            desc=f"Valid impressions per day over the last {period.days} days: {totals['impressions']} in total.",
            bars=impressions,
            x_label="Day",
            y_label="Impressions",
        ),
        "clicks_chart": charts.bar_chart(
            title="Clicks per day",
            desc=f"Valid clicks per day over the last {period.days} days: {totals['valid_clicks']} in total.",
            bars=clicks,
            x_label="Day",
            y_label="Clicks",
        ),
        "spend_chart": charts.line_chart(
            title="Spend per day",
            desc=f"Spend per day over the last {period.days} days: {_spend_text(totals['spend_minor'], currency)}.",
            points=spend,
            x_label="Day",
            y_label=f"Spend ({currency.upper()})",
            fmt=lambda minor: format_money(round(minor), currency),
        ),
    }
    status = 400 if ad_form.errors else 200
    return render_page(request, "dashboard/campaign.html", context, section="ads", status=status)


@require_POST
@dashboard_page
def campaign_action(request, campaign_id, action):
    campaign = _own_campaign(request, campaign_id)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404("No such action.")
    try:
        service(campaign=campaign, by=request.user)
    except ApplicationError as exc:
        flash_service_error(request, exc)
    return redirect("dashboard:campaign", campaign_id=campaign.pk)
