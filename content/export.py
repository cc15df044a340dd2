"""The content section of a person's data export (registered in DATA_EXPORT_PROVIDERS)."""

from content.models import Post, Video


def content_export(user) -> tuple[str, dict]:
    posts = Post.all_objects.filter(author=user).order_by("id")
    videos = Video.all_objects.filter(author=user).order_by("id")
    return "content", {
        "posts": [
            {
                "id": str(p.pk),
                "text": p.text,
                "visibility": p.visibility,
                "created_at": p.created_at.isoformat(),
                "published_at": p.published_at.isoformat() if p.published_at else None,
                "repost_of": str(p.repost_of_id) if p.repost_of_id else None,
                "quote_of": str(p.quote_of_id) if p.quote_of_id else None,
                "deleted": p.deleted_at is not None,
            }
            for p in posts
        ],
        "videos": [
            {
                "id": str(v.pk),
                "title": v.title,
                "description": v.description,
                "tags": v.tags,
                "visibility": v.visibility,
                "status": v.status,
                "created_at": v.created_at.isoformat(),
                "deleted": v.deleted_at is not None,
            }
            for v in videos
        ],
    }
