"""Content pages: the creator's videos (status, progress, retry, upload, edit, analytics) and posts."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content.models import Video
from content.selectors.posts import post_list
from content.selectors.videos import video_analytics, video_get_owned, video_list_mine
from content.services.videos import video_retry, video_update
from core.exceptions import ApplicationError, NotFound
from socialflow.dashboard import charts
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.forms import VideoEditForm
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.periods import PERIOD_CHOICES, day_label, period_from_request
from socialflow.dashboard.service_errors import flash_service_error, form_add_service_error

PAGE_SIZE = 20
UPLOAD_PARALLEL_PARTS = 3  # parts the browser sends at once


def owned_video(request, video_id) -> Video:
    """The signed-in creator's video, or 404 — another creator's video does not exist for this page."""
    try:
        return video_get_owned(user=request.user, id=video_id)
    except NotFound as exc:
        raise Http404("No such video.") from exc


@require_GET
@dashboard_page
def videos(request):
    wanted = request.GET.get("status") or None
    if wanted not in Video.Status.values:
        wanted = None
    qs = video_list_mine(user=request.user, status=wanted).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": Video.Status.values, "status": wanted}
    return render_page(request, "dashboard/videos.html", context, section="content")


@require_GET
@dashboard_page
def video_upload(request):
    context = {"parallel_parts": UPLOAD_PARALLEL_PARTS}
    return render_page(request, "dashboard/video_upload.html", context, section="content")


@require_http_methods(["GET", "POST"])
@dashboard_page
def video_edit(request, video_id):
    video = owned_video(request, video_id)
    form = VideoEditForm(request.POST or None, creator=request.user, initial=VideoEditForm.initial_for(video))
    if request.method == "POST" and form.is_valid():
        try:
            video_update(video_id=video.pk, actor=request.user, **form.changes())
        except ApplicationError as exc:
            form_add_service_error(form, exc)
        else:
            return redirect(reverse("dashboard:video_edit", args=[video.pk]) + "?saved=1")
    context = {"video": video, "form": form, "saved": request.GET.get("saved") == "1"}
    return render_page(
        request, "dashboard/video_edit.html", context, section="content", status=400 if form.errors else 200
    )


@require_POST
@dashboard_page
def video_retry_view(request, video_id):
    video = owned_video(request, video_id)
    try:
        video_retry(video_id=video.pk, actor=request.user)
    except ApplicationError as exc:
        flash_service_error(request, exc)
    return redirect("dashboard:videos")


@require_GET
@dashboard_page
def video_analytics_view(request, video_id):
    video = owned_video(request, video_id)
    period = period_from_request(request)
    stats = video_analytics(video=video, days=period.days)
    views_per_day = [(day_label(row["day"]), row["views"]) for row in stats["daily"]]
    # The retention curve: share of viewers still watching at each second, as a percentage.
    retention = [(f"{second}s", round(share * 100, 1)) for second, share in enumerate(stats["retention"])]
    context = {
        "video": video,
        "stats": stats,
        "period": period,
        "period_choices": PERIOD_CHOICES,
        "views_chart": charts.bar_chart(
            title=f"Views per day: {video.title}",
            desc=f"Qualified views per day over the last {period.days} days; {stats['views']} views in total.",
            bars=views_per_day,
            x_label="Day",
            y_label="Views",
        ),
        "retention_chart": charts.line_chart(
            title=f"Audience retention: {video.title}",
            desc="Percentage of viewing sessions that watched each second of the video.",
            points=retention,
            x_label="Position in the video",
            y_label="Still watching (%)",
            fmt=lambda v: f"{charts.format_number(v)}%",
        ),
    }
    return render_page(request, "dashboard/video_analytics.html", context, section="content")


@require_GET
@dashboard_page
def posts(request):
    qs = post_list(viewer=request.user, author=request.user.pk).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "dashboard/posts.html", {"page": page}, section="content")
