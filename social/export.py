"""The social section of a person's data export (registered in DATA_EXPORT_PROVIDERS)."""

from social.models import Comment, Like, Report, Save


def social_export(user) -> tuple[str, dict]:
    return "social", {
        "comments": [
            {
                "id": str(c.pk),
                "text": c.text,
                "post": str(c.post_id) if c.post_id else None,
                "video": str(c.video_id) if c.video_id else None,
                "parent": str(c.parent_id) if c.parent_id else None,
                "created_at": c.created_at.isoformat(),
                "deleted": c.deleted_at is not None,
            }
            for c in Comment.all_objects.filter(author=user).order_by("id")
        ],
        "likes": [
            {"post": str(p) if p else None, "video": str(v) if v else None, "comment": str(c) if c else None}
            for p, v, c in Like.objects.filter(user=user)
            .order_by("id")
            .values_list("post_id", "video_id", "comment_id")
        ],
        "saves": [
            {"post": str(p) if p else None, "video": str(v) if v else None}
            for p, v in Save.objects.filter(user=user).order_by("id").values_list("post_id", "video_id")
        ],
        "reports": [
            {"category": r.category, "text": r.text, "created_at": r.created_at.isoformat()}
            for r in Report.objects.filter(reporter=user).order_by("id")
        ],
    }
