"""Fast bulk loading for benchmark data: PostgreSQL COPY, or bulk_create elsewhere.

Rows are dicts of the fields the generator cares about; every other concrete field gets its model
default, so a field added to a model later does not break the seeder.
"""

import io
import json
import uuid
from datetime import UTC, datetime

from django.db import connection, models


def uuid7_at(ms: int, rand: int) -> uuid.UUID:
    """A UUIDv7 for a given creation time (ms) and 74 random bits: ids that sort like created_at."""
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def _defaults(model) -> dict:
    out = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.has_default():
            default = field.get_default()
            if not callable(default):
                out[field.attname] = default
        elif field.null:
            out[field.attname] = None
        elif isinstance(field, (models.CharField, models.TextField, models.FileField)):
            out[field.attname] = ""
    return out


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif isinstance(value, datetime):
        value = value.astimezone(UTC).isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def bulk_load(model, rows, *, batch: int = 50_000) -> int:
    """Insert `rows` (an iterable of dicts keyed by attname) into `model`'s table; returns the count."""
    fields = list(model._meta.concrete_fields)
    defaults = _defaults(model)
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    now = datetime.now(UTC)
    total = 0
    if connection.vendor != "postgresql":
        objs = []
        for row in rows:
            merged = {**defaults, **row}
            for name in ("created_at", "updated_at"):
                if name in attnames:
                    merged.setdefault(name, now)
            objs.append(model(**{k: v for k, v in merged.items() if k in attnames}))
            if len(objs) >= batch:
                model._base_manager.bulk_create(objs)
                total += len(objs)
                objs = []
        model._base_manager.bulk_create(objs)
        return total + len(objs)

    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    buffer, pending = io.StringIO(), 0

    def flush():
        nonlocal buffer, pending, total
        if not pending:
            return
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        total += pending
        buffer, pending = io.StringIO(), 0

    for row in rows:
        merged = {**defaults, **row}
        for name in ("created_at", "updated_at"):
            if name in attnames:
                merged.setdefault(name, now)
        buffer.write("\t".join(_copy_value(merged.get(a)) for a in attnames))
        buffer.write("\n")
        pending += 1
        if pending >= batch:
            flush()
    flush()
    return total
