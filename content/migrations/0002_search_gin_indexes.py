"""GIN indexes over the search vectors, on PostgreSQL only (SQLite has no GIN; search falls back there)."""

from django.db import migrations

INDEXES = [
    ("content_post", "content_post_search_gin"),
    ("content_video", "content_video_search_gin"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_vector)")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS content_hashtag_name_like ON content_hashtag (name varchar_pattern_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS content_hashtag_name_like")


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
