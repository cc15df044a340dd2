"""Rendering a dashboard page: the explicit context of a view plus the navigation of the shell."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

# (section, label, url name). A section whose page is not routed (its app not built) is not shown.
SECTIONS = [
    ("overview", "Overview", "dashboard:overview"),
    ("content", "Content", "dashboard:videos"),
    ("earnings", "Earnings", "dashboard:earnings"),
    ("live", "Live", "dashboard:streams"),
    ("ads", "Advertising", "dashboard:campaigns"),
]


def dashboard_nav(current: str) -> list[dict]:
    items = []
    for section, label, url_name in SECTIONS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "current": section == current})
    return items


def render_page(request, template: str, context: dict, *, section: str, status: int = 200):
    return render(request, template, {**context, "dashboard_nav": dashboard_nav(section)}, status=status)
