"""Live pages: create/schedule a stream, reveal and rotate its key, start/end it, and run its chat.

The chat panel is the same websocket viewers use (/ws/streams/<id>/chat/, joined with the session cookie);
moderation goes over that socket as `moderate` messages, which call livestream's moderation services.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError, NotFound
from livestream.selectors import chat_message_list, stream_analytics, stream_get_for_host, stream_list
from livestream.services import (
    stream_cancel,
    stream_create,
    stream_end,
    stream_key_reveal,
    stream_rotate_key,
    stream_start,
)
from socialflow.dashboard.access import dashboard_page
from socialflow.dashboard.forms import StreamForm
from socialflow.dashboard.pages import render_page
from socialflow.dashboard.service_errors import flash_service_error, form_add_service_error

PAGE_SIZE = 20
CHAT_HISTORY = 50
ACTIONS = {"start": stream_start, "end": stream_end, "cancel": stream_cancel}


def _own_stream(request, stream_id):
    try:
        return stream_get_for_host(host=request.user, id=stream_id)
    except NotFound as exc:
        raise Http404("No such stream.") from exc


@require_http_methods(["GET", "POST"])
@dashboard_page
def streams(request):
    form = StreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            stream, _key = stream_create(host=request.user, **data)
        except ApplicationError as exc:
            form_add_service_error(form, exc)
        else:
            # The key is not carried to the next page: the host reveals it there on purpose.
            return redirect("dashboard:stream", stream_id=stream.pk)
    qs = stream_list(viewer=request.user, host=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render_page(request, "dashboard/streams.html", {"form": form, "page": page}, section="live", status=status)


def _stream_context(request, stream, *, stream_key: str = "", key_rotated: bool = False) -> dict:
    history = list(chat_message_list(viewer=request.user, stream=stream).order_by("-created_at", "-id")[:CHAT_HISTORY])
    history.reverse()
    return {
        "stream": stream,
        "stream_key": stream_key,
        "key_rotated": key_rotated,
        "analytics": stream_analytics(stream=stream),
        "chat_history": history,
        "chat_socket_path": f"/ws/streams/{stream.pk}/chat/",
        "can_start": stream.status == stream.Status.SCHEDULED,
        "can_end": stream.status == stream.Status.LIVE,
        "is_over": stream.status in stream.FINAL_STATUSES,
    }


@require_http_methods(["GET"])
@dashboard_page
def stream_detail(request, stream_id):
    stream = _own_stream(request, stream_id)
    return render_page(request, "dashboard/stream.html", _stream_context(request, stream), section="live")


@require_POST
@dashboard_page
def stream_key(request, stream_id):
    """Reveal (or rotate, then reveal) the key. Answered to the POST itself, never cached (no-store)."""
    stream = _own_stream(request, stream_id)
    rotate = request.POST.get("rotate") == "1"
    try:
        if rotate:
            stream, key = stream_rotate_key(stream=stream, actor=request.user)
        else:
            key = stream_key_reveal(stream=stream, actor=request.user)
    except ApplicationError as exc:
        flash_service_error(request, exc)
        return redirect("dashboard:stream", stream_id=stream.pk)
    context = _stream_context(request, stream, stream_key=key, key_rotated=rotate)
    return render_page(request, "dashboard/stream.html", context, section="live")


@require_POST
@dashboard_page
def stream_action(request, stream_id, action):
    stream = _own_stream(request, stream_id)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404("No such action.")
    try:
        service(stream=stream, actor=request.user)
    except ApplicationError as exc:
        flash_service_error(request, exc)
    return redirect("dashboard:stream", stream_id=stream.pk)
