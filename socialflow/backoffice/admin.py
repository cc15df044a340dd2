"""The moderation queue in the Django admin, replacing social's plain ModerationCase admin.

Every button and bulk action here calls socialflow.backoffice.moderation; the admin holds no rule.
Imported by socialflow/admin.py (socialflow is the last installed app, so social's registration exists
and is replaced here).
"""

from django import forms
from django.contrib import admin, messages
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from content.models import Post, Video
from core.exceptions import ApplicationError
from social.admin import ReportInline
from social.models import Comment, ModerationCase, Report
from socialflow.backoffice import moderation
from socialflow.backoffice.moderation import Action

CHAT_CONTEXT = 5  # messages shown either side of a reported chat message


class CaseActionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.CHOICES)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=moderation.MAX_SUSPENSION_DAYS, help_text="Suspensions only."
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == Action.SUSPEND and not data.get("days"):
            self.add_error("days", "How many days?")
        return data


class CaseNoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Note")


class AssignedFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class HeldFilter(admin.SimpleListFilter):
    title = "automatic hold"
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", "Held pending review"), ("no", "Not held")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(held_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(held_at__isnull=True)
        return queryset


admin.site.unregister(ModerationCase)


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "target_type", "target_owner", "status", "report_count", "category_list", "reporter_names",
        "is_held", "assigned_to", "last_reported_at",
    )  # fmt: skip
    list_filter = ("status", AssignedFilter, HeldFilter, "target_type", "resolution_action")
    search_fields = ("target_id", "target_owner__username", "hold_reason", "resolution_reason")
    list_select_related = ("target_owner", "assigned_to", "resolved_by")
    ordering = ("status", "-report_count", "-last_reported_at")
    change_form_template = "admin/social/moderationcase/change_form.html"
    readonly_fields = (
        "target_type", "target_id", "target_owner", "content_preview", "report_count", "category_list",
        "reporters", "held_at", "hold_reason", "assigned_to", "assigned_at", "status", "resolved_at",
        "resolved_by", "resolution_action", "resolution_reason", "notes",
    )  # fmt: skip
    fieldsets = (
        ("Reported", {"fields": ("target_type", "target_id", "target_owner", "content_preview")}),
        ("Reports", {"fields": ("report_count", "category_list", "reporters", "held_at", "hold_reason")}),
        ("Work", {"fields": ("assigned_to", "assigned_at", "notes")}),
        ("Decision", {"fields": ("status", "resolved_at", "resolved_by", "resolution_action", "resolution_reason")}),
    )
    inlines = [ReportInline]
    actions = ["assign_to_me", *(f"act_{a}" for a in Action.ALL if a != Action.SUSPEND), "act_suspend"]

    def has_add_permission(self, request):
        return False  # cases come from reports and automatic holds

    def has_delete_permission(self, request, obj=None):
        return False  # decisions stay on record

    # --- columns ---------------------------------------------------------------------------------
    REPORTERS_SHOWN = 3

    def get_queryset(self, request):
        # The reporters column: one prefetch for the page, not a query per case.
        reports = Report.objects.select_related("reporter").order_by("created_at")
        return super().get_queryset(request).prefetch_related(Prefetch("reports", queryset=reports))

    @admin.display(description="reporters")
    def reporter_names(self, obj):
        names = [r.reporter.username for r in obj.reports.all()]
        more = len(names) - self.REPORTERS_SHOWN
        return ", ".join(names[: self.REPORTERS_SHOWN]) + (f" +{more}" if more > 0 else "")

    @admin.display(description="categories")
    def category_list(self, obj):
        return ", ".join(obj.categories or [])

    @admin.display(description="held", boolean=True)
    def is_held(self, obj):
        return obj.held_at is not None

    @admin.display(description="reporters")
    def reporters(self, obj):
        reports = Report.objects.filter(case=obj).select_related("reporter").order_by("created_at")
        return (
            format_html_join(
                # bandit B308 reviewed: a constant separator; the rows are escaped by format_html_join.
                mark_safe("<br>"),  # nosec B308
                "{} — {} ({})",
                ((r.reporter.username, r.category, r.created_at) for r in reports),
            )
            or "—"
        )

    @admin.display(description="notes and history")
    def notes(self, obj):
        entries = moderation.case_notes(case=obj)
        return (
            format_html_join(
                # bandit B308 reviewed: a constant separator; the rows are escaped by format_html_join.
                mark_safe("<br>"),  # nosec B308
                "{} · {} · {}: {}",
                ((e.created_at, e.actor or "system", e.action, e.reason) for e in entries),
            )
            or "—"
        )

    @admin.display(description="content")
    def content_preview(self, obj):
        return render_target(obj)

    # --- per-case views --------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/act/", view(self.act_view), name="social_moderationcase_act"),
            path("<uuid:pk>/assign-to-me/", view(self.assign_view), name="social_moderationcase_assign"),
            path("<uuid:pk>/note/", view(self.note_view), name="social_moderationcase_note"),
            *super().get_urls(),
        ]

    def _case_or_403(self, request, pk):
        case = get_object_or_404(ModerationCase, pk=pk)
        if not self.has_change_permission(request, case):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return case

    def _back(self, case):
        return HttpResponseRedirect(reverse("admin:social_moderationcase_change", args=[case.pk]))

    def act_view(self, request, pk):
        case = self._case_or_403(request, pk)
        form = CaseActionForm(request.POST or None, initial={"action": request.GET.get("action")})
        if request.method == "POST" and form.is_valid():
            try:
                moderation.case_act(
                    case=case, by=request.user, action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"], days=form.cleaned_data.get("days"),
                )  # fmt: skip
            except ApplicationError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
            else:
                self.message_user(request, f"Case {case.status}: {case.resolution_action}.", messages.SUCCESS)
            return self._back(case)
        return TemplateResponse(
            request,
            "admin/backoffice/case_action.html",
            {**self.admin_site.each_context(request), "title": "Decide the case", "form": form, "cases": [case],
             "opts": self.model._meta, "action_url": request.path},
        )  # fmt: skip

    def assign_view(self, request, pk):
        case = self._case_or_403(request, pk)
        if request.method == "POST":
            try:
                moderation.case_assign(case=case, to=request.user, by=request.user)
                self.message_user(request, "Assigned to you.", messages.SUCCESS)
            except ApplicationError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        return self._back(case)

    def note_view(self, request, pk):
        case = self._case_or_403(request, pk)
        form = CaseNoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            moderation.case_note_add(case=case, by=request.user, text=form.cleaned_data["text"])
            self.message_user(request, "Note added.", messages.SUCCESS)
        return self._back(case)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "action_form": CaseActionForm(),
            "note_form": CaseNoteForm(),
            "action_choices": Action.CHOICES,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    # --- bulk actions ----------------------------------------------------------------------------
    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._each(request, queryset, lambda case: moderation.case_assign(case=case, to=request.user, by=request.user))

    def _each(self, request, queryset, apply):
        done = 0
        for case in queryset.filter(status=ModerationCase.Status.OPEN).select_related("target_owner"):
            try:
                apply(case)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{case}: {exc.detail}", messages.ERROR)
        self.message_user(request, f"{done} case(s) done.", messages.SUCCESS)

    def _bulk_act(self, request, queryset, action):
        """An intermediate page asks for the reason (and days), then applies the action to each case."""
        if "apply" in request.POST:
            form = CaseActionForm(request.POST, prefix="case")
            if form.is_valid():
                data = form.cleaned_data
                self._each(
                    request,
                    queryset,
                    lambda case: moderation.case_act(
                        case=case, by=request.user, action=action, reason=data["reason"], days=data.get("days")
                    ),
                )
                return None
        else:
            # Prefixed: the admin's own "action" parameter names the bulk action.
            form = CaseActionForm(prefix="case", initial={"action": action})
        return TemplateResponse(
            request,
            "admin/backoffice/case_action.html",
            {**self.admin_site.each_context(request), "title": dict(Action.CHOICES)[action], "form": form,
             "cases": list(queryset), "opts": self.model._meta, "bulk_action": f"act_{action}",
             "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)},
        )  # fmt: skip


def _bulk(action, label):
    def run(self, request, queryset):
        return self._bulk_act(request, queryset, action)

    run.__name__ = f"act_{action}"
    return admin.action(description=f"{label}…", permissions=["change"])(run)


for _action, _label in Action.CHOICES:
    setattr(ModerationCaseAdmin, f"act_{_action}", _bulk(_action, _label))


# --- the reported thing, shown inline ---------------------------------------------------------------
def _url(key: str) -> str:
    try:
        return default_storage.url(key)
    except Exception:  # noqa: BLE001 - a missing or misconfigured storage must not break the case page
        return ""


def _post_html(post: Post) -> str:
    images = format_html_join(
        "",
        '<a href="{}"><img src="{}" alt="{}" style="max-height:160px;margin:4px"></a>',
        ((_url(m.image), _url(m.thumbnail), m.alt_text) for m in post.media.order_by("position")),
    )
    state = " (hidden)" if post.deleted_at else ""
    return format_html(
        '<div><strong>Post by {}{}</strong>{}<p style="white-space:pre-wrap">{}</p>{}</div>',
        post.author.username, state, " · sensitive" if post.sensitive else "", post.text, images,
    )  # fmt: skip


def _video_html(video: Video) -> str:
    from content.media import playback

    thumb = ""
    if video.thumbnail_key and video.status == Video.Status.READY:
        try:
            src = playback.file_url(video, video.thumbnail_key.rsplit("/", 1)[-1], playback.expiry())
            thumb = format_html('<img src="{}" alt="thumbnail" style="max-height:180px">', src)
        except Exception:  # noqa: BLE001 - the preview is best effort
            thumb = ""
    return format_html(
        "<div><strong>Video “{}” by {}{}</strong> · {}<br>{}<p style='white-space:pre-wrap'>{}</p></div>",
        video.title, video.author.username, " (hidden)" if video.deleted_at else "", video.status, thumb,
        video.description,
    )  # fmt: skip


def _chat_html(message_id) -> str:
    from livestream.models import ChatMessage

    message = ChatMessage.all_objects.filter(pk=message_id).select_related("stream").first()
    if message is None:
        return "The chat message no longer exists."
    around = ChatMessage.all_objects.filter(stream_id=message.stream_id).select_related("user")
    before = list(around.filter(id__lt=message.pk).order_by("-id")[:CHAT_CONTEXT])[::-1]
    after = list(around.filter(id__gt=message.pk).order_by("id")[:CHAT_CONTEXT])
    rows = format_html_join(
        "",
        '<li style="{}">{} <strong>{}</strong>: {}{}</li>',
        (
            (
                "background:#fff3cd;font-weight:bold" if m.pk == message.pk else "",
                m.created_at.strftime("%H:%M:%S"),
                m.user.username if m.user else "system",
                m.body,
                " (deleted)" if m.deleted_at else "",
            )
            for m in [*before, message, *after]
        ),
    )
    return format_html("<div>Chat in “{}”<ul style='margin-left:0'>{}</ul></div>", message.stream, rows)


def render_target(case: ModerationCase) -> str:
    kind, pk = case.target_type, case.target_id
    if kind == "post":
        post = Post.all_objects.select_related("author").filter(pk=pk).first()
        return _post_html(post) if post else "The post no longer exists."
    if kind == "video":
        video = Video.all_objects.select_related("author").filter(pk=pk).first()
        return _video_html(video) if video else "The video no longer exists."
    if kind == "comment":
        comment = Comment.all_objects.select_related("author", "post__author", "video__author").filter(pk=pk).first()
        if comment is None:
            return "The comment no longer exists."
        on = _post_html(comment.post) if comment.post_id else _video_html(comment.video) if comment.video_id else ""
        return format_html(
            "<div><strong>Comment by {}{}</strong><p style='white-space:pre-wrap'>{}</p>"
            "<details><summary>on</summary>{}</details></div>",
            comment.author.username, " (hidden)" if comment.deleted_at else "", comment.text, on,
        )  # fmt: skip
    if kind == "chat_message":
        return _chat_html(pk)
    owner = case.target_owner
    if owner is None:
        return "The account no longer exists."
    history = ModerationCase.objects.filter(Q(target_owner=owner) & ~Q(pk=case.pk)).count()
    return format_html(
        "<div>Account <strong>{}</strong> ({}), status {}, {} other case(s)</div>",
        owner.username, owner.display_name, owner.status, history,
    )  # fmt: skip


# --- the admin index: what needs attention ---------------------------------------------------------
def attention_counts(user) -> list[dict]:
    """Counts a staff member can act on, each shown only with the permission to open its list."""
    from ads.models import Creative
    from payments.models import Payout

    items = [
        ("social.view_moderationcase", "Open moderation cases", "admin:social_moderationcase_changelist",
         "?status__exact=open", lambda: ModerationCase.objects.filter(status=ModerationCase.Status.OPEN).count()),
        ("ads.view_creative", "Creatives awaiting review", "admin:ads_creativereviewqueue_changelist", "",
         lambda: Creative.objects.filter(status=Creative.Status.SUBMITTED).count()),
        ("payments.view_payout", "Failed payouts", "admin:payments_payout_changelist", "?status__exact=failed",
         lambda: Payout.objects.filter(status=Payout.Status.FAILED).count()),
        ("content.view_video", "Failed videos", "admin:content_video_changelist", "?status__exact=failed",
         lambda: Video.objects.filter(status=Video.Status.FAILED).count()),
    ]  # fmt: skip
    shown = []
    for perm, label, url_name, query, count in items:
        if user.has_perm(perm):
            try:
                url = reverse(url_name) + query
            except Exception:  # noqa: BLE001 - an app's admin not registered: no link, count still useful
                url = ""
            shown.append({"label": label, "count": count(), "url": url})
    return shown


_default_index = admin.site.index


def _index_with_attention(request, extra_context=None):
    context = {"attention": attention_counts(request.user), **(extra_context or {})}
    return _default_index(request, extra_context=context)


# The default site stays (every app's registrations apply); only its index gains the counts.
admin.site.index = _index_with_attention


# --- finance: the reconciliation report (Stripe balance transactions against the ledger) -----------
class ReconciliationForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="A UTC day.")


def reconciliation_view(request):
    from django.core.exceptions import PermissionDenied

    from payments.reconciliation import reconcile_day

    if not request.user.has_perm("payments.view_journalentry"):
        raise PermissionDenied
    form = ReconciliationForm(request.GET or None)
    report, error = None, ""
    if form.is_valid():
        try:
            report = reconcile_day(day=form.cleaned_data["day"])
        except ApplicationError as exc:
            error = str(exc.detail)
    context = {
        **admin.site.each_context(request),
        "title": "Reconciliation report",
        "form": form,
        "report": report,
        "error": error,
    }
    return TemplateResponse(request, "admin/backoffice/reconciliation.html", context)


_default_get_urls = admin.site.get_urls


def _get_urls():
    extra = [path("reconciliation/", admin.site.admin_view(reconciliation_view), name="backoffice_reconciliation")]
    return extra + _default_get_urls()


admin.site.get_urls = _get_urls
