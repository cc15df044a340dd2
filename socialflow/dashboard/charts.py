"""Server-side SVG charts for the dashboard: line and bar charts as self-contained SVG strings.

Why server-side: the dashboard runs under a strict CSP with no CDN and no copied-in third-party files,
and a chart that is plain markup needs no script at all, prints, and is readable by a screen reader
through its <title>/<desc> (plus a data table the templates render next to it).

Every value the chart draws is also written on its mark (`data-label`/`data-value` and a per-mark
<title> tooltip), so tests — and browser tests — can read the numbers back.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal
Formatter = Callable[[Number], str]

WIDTH = 640
HEIGHT = 260
# Room for the y tick labels on the left and the x labels (plus the axis caption) at the bottom.
MARGIN_LEFT = 64
MARGIN_RIGHT = 28
MARGIN_TOP = 16
MARGIN_BOTTOM = 56
MAX_X_LABELS = 7

_ids = itertools.count(1)


def format_number(value: Number) -> str:
    """12345 → '12,345'; 2.5 → '2.5' (no trailing zeros)."""
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def nice_step(raw: float) -> float:
    """The smallest 1/2/2.5/5×10^n step at or above `raw` (ticks read 0, 25, 50 rather than 0, 23, 47)."""
    if raw <= 0:
        return 1
    exponent = math.floor(math.log10(raw))
    base = 10**exponent
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * base + 1e-12:
            return multiple * base
    return 10 * base  # pragma: no cover - the loop always returns


def y_ticks(max_value: float, *, count: int = 4) -> list[float]:
    """Tick values from 0 to a nice number at or above `max_value` (0..1 for an all-zero series)."""
    if max_value <= 0:
        return [0, 1]
    step = nice_step(max_value / count)
    top = math.ceil(max_value / step - 1e-9) * step
    ticks = []
    value = 0.0
    while value <= top + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label_indexes(n: int) -> list[int]:
    """Which x positions get a visible label: all when few, else evenly spaced, always first and last."""
    if n <= MAX_X_LABELS:
        return list(range(n))
    step = (n - 1) / (MAX_X_LABELS - 1)
    return sorted({round(i * step) for i in range(MAX_X_LABELS)})


def _tick_text(value: float, fmt: Formatter) -> str:
    return fmt(int(value) if float(value).is_integer() else value)


class _Frame:
    """The plotting area and the scale shared by both chart kinds."""

    def __init__(self, values: Sequence[Number], width: int, height: int):
        self.width = width
        self.height = height
        self.left = MARGIN_LEFT
        self.top = MARGIN_TOP
        self.plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
        self.plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
        self.bottom = self.top + self.plot_h
        self.ticks = y_ticks(float(max(values, default=0) or 0))
        self.y_max = self.ticks[-1] or 1

    def y(self, value: Number) -> float:
        return self.bottom - (float(value) / self.y_max) * self.plot_h


def _open(kind: str, title: str, desc: str, frame: _Frame) -> tuple[list[str], str]:
    uid = f"chart-{next(_ids)}"
    parts = [
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]
    return parts, uid


def _y_axis(frame: _Frame, fmt: Formatter, y_label: str) -> list[str]:
    parts = ['<g class="axis axis-y" aria-hidden="true">']
    right = frame.left + frame.plot_w
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(f'<line class="grid" x1="{frame.left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{frame.left - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_tick_text(tick, fmt))}</text>"
        )
    if y_label:
        cy = frame.top + frame.plot_h / 2
        parts.append(
            f'<text class="axis-label" x="14" y="{cy:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 14 {cy:.1f})">{escape(y_label)}</text>'
        )
    parts.append("</g>")
    return parts


def _x_axis(frame: _Frame, labels: Sequence[str], xs: Sequence[float], x_label: str) -> list[str]:
    parts = [
        '<g class="axis axis-x" aria-hidden="true">',
        f'<line class="baseline" x1="{frame.left}" y1="{frame.bottom}" '
        f'x2="{frame.left + frame.plot_w}" y2="{frame.bottom}"/>',
    ]
    for i in _label_indexes(len(labels)):
        parts.append(
            f'<text class="tick" x="{xs[i]:.1f}" y="{frame.bottom + 18}" text-anchor="middle">'
            f"{escape(str(labels[i]))}</text>"
        )
    if x_label:
        parts.append(
            f'<text class="axis-label" x="{frame.left + frame.plot_w / 2:.1f}" y="{frame.height - 8}" '
            f'text-anchor="middle">{escape(x_label)}</text>'
        )
    parts.append("</g>")
    return parts


def _empty(kind: str, title: str, desc: str, width: int, height: int) -> SafeString:
    frame = _Frame([], width, height)
    parts, _ = _open(kind, title, desc, frame)
    parts.append(
        f'<text class="empty" x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle">No data yet</text>'
    )
    parts.append("</svg>")
    # Every interpolated text is escaped above (ruff S308, bandit B308/B703 reviewed).
    return mark_safe("".join(parts))  # noqa: S308  # nosec


def line_chart(
    *,
    title: str,
    desc: str,
    points: Sequence[tuple[str, Number]],
    x_label: str = "",
    y_label: str = "",
    fmt: Formatter = format_number,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A single-series line chart of (label, value) points, in order, with a dot per point."""
    if not points:
        return _empty("line", title, desc, width, height)
    values = [v for _, v in points]
    frame = _Frame(values, width, height)
    n = len(points)
    step = frame.plot_w / (n - 1) if n > 1 else 0
    xs = [frame.left + (i * step if n > 1 else frame.plot_w / 2) for i in range(n)]
    parts, _ = _open("line", title, desc, frame)
    parts += _y_axis(frame, fmt, y_label)
    parts += _x_axis(frame, [label for label, _ in points], xs, x_label)
    coords = " ".join(f"{x:.1f},{frame.y(v):.1f}" for x, v in zip(xs, values, strict=True))
    parts.append(f'<polyline class="series" fill="none" points="{coords}"/>')
    parts.append('<g class="marks">')
    for x, (label, value) in zip(xs, points, strict=True):
        text = escape(f"{label}: {fmt(value)}")
        parts.append(
            f'<circle class="mark" cx="{x:.1f}" cy="{frame.y(value):.1f}" r="3" '
            f'data-label="{escape(str(label))}" data-value="{escape(str(value))}"><title>{text}</title></circle>'
        )
    parts.append("</g></svg>")
    # Every interpolated text is escaped above (ruff S308, bandit B308/B703 reviewed).
    return mark_safe("".join(parts))  # noqa: S308  # nosec


def bar_chart(
    *,
    title: str,
    desc: str,
    bars: Sequence[tuple[str, Number]],
    x_label: str = "",
    y_label: str = "",
    fmt: Formatter = format_number,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A vertical bar chart of (label, value) bars, in the order given; negative values draw as 0."""
    if not bars:
        return _empty("bar", title, desc, width, height)
    values = [max(v, 0) for _, v in bars]
    frame = _Frame(values, width, height)
    slot = frame.plot_w / len(bars)
    bar_w = max(slot * 0.7, 1)
    xs = [frame.left + slot * i + slot / 2 for i in range(len(bars))]
    parts, _ = _open("bar", title, desc, frame)
    parts += _y_axis(frame, fmt, y_label)
    parts += _x_axis(frame, [label for label, _ in bars], xs, x_label)
    parts.append('<g class="marks">')
    for x, (label, value), drawn in zip(xs, bars, values, strict=True):
        top = frame.y(drawn)
        text = escape(f"{label}: {fmt(value)}")
        parts.append(
            f'<rect class="mark" x="{x - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
            f'height="{frame.bottom - top:.1f}" data-label="{escape(str(label))}" '
            f'data-value="{escape(str(value))}"><title>{text}</title></rect>'
        )
    parts.append("</g></svg>")
    # Every interpolated text is escaped above (ruff S308, bandit B308/B703 reviewed).
    return mark_safe("".join(parts))  # noqa: S308  # nosec
