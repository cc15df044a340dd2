"""Earnings pages: balance, earnings by day and source, tiers, subscribers, Connect onboarding, payouts.

Every write goes through payments.services; when Stripe is not configured those raise the payments app's
ServiceUnavailable ("payments not configured"), which the pages show instead of failing.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ApplicationError
from payments.models import Tier
from payments.selectors import (
    connect_account_for,
    creator_balance,
    payout_list_for_creator,
    subscriber_list_for_creator,
    tier_list_for_creator,
)
from payments.services.payouts import connect_onboarding_start, payout_minimum_minor, payout_request
from payments.services.tiers import tier_create, tier_update
from socialflow.dashboard import charts, metrics
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.forms import PayoutForm, TierForm
from socialflow.dashboard.money import dashboard_currency, format_money, money_formatter
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.periods import PERIOD_CHOICES, day_label, period_from_request
from socialflow.dashboard.service_errors import flash_service_error, form_add_service_error

PAGE_SIZE = 25
RECENT_PAYOUTS = 10


def _earnings_context(request, payout_form) -> dict:
    creator = request.user
    currency = dashboard_currency()
    period = period_from_request(request)
    balance = creator_balance(creator=creator, currency=currency)
    earnings = metrics.earnings_summary(creator=creator, period=period, currency=currency)
    fmt = money_formatter(currency)
    return {
        "period": period,
        "period_choices": PERIOD_CHOICES,
        "balance": {
            "pending": fmt(balance["pending"]),
            "available": fmt(balance["available"]),
            "receivable": fmt(balance["receivable"]) if balance["receivable"] else "",
            "next_release_at": balance["next_release_at"],
            "hold_days": balance["hold_days"],
        },
        "earnings_total": fmt(earnings["total"]),
        "by_day_chart": charts.bar_chart(
            title="Earnings by day",
            desc=f"Your net earnings per day over the last {period.days} days: {fmt(earnings['total'])}.",
            bars=[(day_label(d), v) for d, v in earnings["by_day"]],
            x_label="Day",
            y_label=f"Earnings ({currency.upper()})",
            fmt=fmt,
        ),
        "by_source_chart": charts.bar_chart(
            title="Earnings by source",
            desc=f"Your net earnings by source over the last {period.days} days.",
            bars=earnings["by_source"],
            x_label="Source",
            y_label=f"Earnings ({currency.upper()})",
            fmt=fmt,
        ),
        "by_source_rows": [(label, fmt(v)) for label, v in earnings["by_source"]],
        "connect": connect_account_for(user=creator),
        "payout_form": payout_form,
        "payout_minimum": format_money(payout_minimum_minor(), currency),
        "payouts": [
            {"payout": p, "amount": format_money(p.amount, p.currency)}
            for p in payout_list_for_creator(creator=creator).order_by("-created_at", "-id")[:RECENT_PAYOUTS]
        ],
    }


@require_GET
@dashboard_page
def earnings(request):
    context = _earnings_context(request, PayoutForm())
    return render_page(request, "dashboard/earnings.html", context, section="earnings")


@require_POST
@dashboard_page
def payout_create(request):
    form = PayoutForm(request.POST)
    if form.is_valid():
        try:
            payout_request(creator=request.user, amount=form.cleaned_data["amount"], currency=dashboard_currency())
        except ApplicationError as exc:
            form_add_service_error(form, exc)
        else:
            return redirect(reverse("dashboard:earnings") + "#payouts")
    context = _earnings_context(request, form)
    return render_page(request, "dashboard/earnings.html", context, section="earnings", status=400)


@require_POST
@dashboard_page
def connect_onboarding(request):
    """Send the creator to Stripe's hosted onboarding for their Express account (created once)."""
    here = request.build_absolute_uri(reverse("dashboard:earnings"))
    try:
        _, url = connect_onboarding_start(user=request.user, refresh_url=here, return_url=here)
    except ApplicationError as exc:
        flash_service_error(request, exc)
        return redirect("dashboard:earnings")
    return redirect(url)


def _own_tier(request, tier_id) -> Tier:
    # tier_list_for_creator with the creator as viewer holds all their tiers, inactive too; anyone
    # else's tier is not there (404).
    tier = tier_list_for_creator(creator=request.user, viewer=request.user).filter(pk=tier_id).first()
    if tier is None:
        raise Http404("No such tier.")
    return tier


@require_http_methods(["GET", "POST"])
@dashboard_page
def tiers(request):
    form = TierForm(request.POST or None, initial={"currency": dashboard_currency(), "is_active": True})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            tier_create(creator=request.user, **values)
        except ApplicationError as exc:
            form_add_service_error(form, exc, field_map={"price_amount": "price"})
        else:
            return redirect("dashboard:tiers")
    rows = [
        {"tier": t, "price": format_money(t.price_amount, t.currency)}
        for t in tier_list_for_creator(creator=request.user, viewer=request.user)
    ]
    context = {"form": form, "tiers": rows}
    status = 400 if form.errors else 200
    return render_page(request, "dashboard/tiers.html", context, section="earnings", status=status)


@require_http_methods(["GET", "POST"])
@dashboard_page
def tier_edit(request, tier_id):
    tier = _own_tier(request, tier_id)
    form = TierForm(request.POST or None, initial=TierForm.initial_for(tier))
    if request.method == "POST" and form.is_valid():
        try:
            tier_update(tier=tier, actor=request.user, **form.values())
        except ApplicationError as exc:
            form_add_service_error(form, exc, field_map={"price_amount": "price"})
        else:
            return redirect("dashboard:tiers")
    context = {"form": form, "tier": tier}
    status = 400 if form.errors else 200
    return render_page(request, "dashboard/tier_edit.html", context, section="earnings", status=status)


@require_GET
@dashboard_page
def subscribers(request):
    qs = subscriber_list_for_creator(creator=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"sub": s, "price": format_money(s.price_amount, s.tier.currency)} for s in page.object_list]
    return render_page(request, "dashboard/subscribers.html", {"page": page, "rows": rows}, section="earnings")
