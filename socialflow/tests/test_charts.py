import re
from decimal import Decimal
from xml.etree import ElementTree

from socialflow.dashboard.charts import bar_chart, format_number, line_chart, nice_step, y_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def marks(root, tag):
    return [(m.get("data-label"), m.get("data-value")) for m in root.iter(f"{SVG}{tag}") if m.get("class") == "mark"]


def tick_texts(root, axis):
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"axis axis-{axis}")
    return [t.text for t in group.iter(f"{SVG}text") if t.get("class") == "tick"]


def test_nice_steps_and_ticks():
    assert nice_step(23) == 25
    assert nice_step(26) == 50
    assert nice_step(10) == 10
    assert nice_step(0.3) == 0.5
    assert y_ticks(95) == [0, 25, 50, 75, 100]
    assert y_ticks(1000) == [0, 250, 500, 750, 1000]
    assert y_ticks(7) == [0, 2, 4, 6, 8]
    assert y_ticks(0) == [0, 1]


def test_format_number():
    assert format_number(12345) == "12,345"
    assert format_number(2.5) == "2.5"
    assert format_number(Decimal("3.00")) == "3"


def test_line_chart_has_accessible_title_desc_axes_and_values():
    svg = line_chart(
        title="Followers over time",
        desc="Followers per day, 3 days",
        points=[("Nov 1", 10), ("Nov 2", 40), ("Nov 3", 95)],
        x_label="Day",
        y_label="Followers",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Followers over time"
    assert desc.text == "Followers per day, 3 days"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert marks(root, "circle") == [("Nov 1", "10"), ("Nov 2", "40"), ("Nov 3", "95")]
    assert tick_texts(root, "y") == ["0", "25", "50", "75", "100"]
    assert tick_texts(root, "x") == ["Nov 1", "Nov 2", "Nov 3"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert labels == ["Followers", "Day"]
    # The points climb: a larger value is drawn higher (smaller y) on the polyline.
    coords = root.find(f".//{SVG}polyline").get("points").split()
    ys = [float(c.split(",")[1]) for c in coords]
    assert ys[0] > ys[1] > ys[2]
    # 95 on a 0..100 scale sits 5% below the top of the plot area (top=16, height=188).
    assert ys[2] == round(16 + 188 * 0.05, 1)


def test_bar_chart_values_heights_and_money_format():
    svg = bar_chart(
        title="Earnings by source",
        desc="Earnings by source over 28 days",
        bars=[("Subscriptions", 4500), ("Tips", 1500), ("Ads", 0)],
        fmt=lambda cents: f"${cents / 100:,.2f}",
    )
    root = parse(svg)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "mark"]
    assert [(r.get("data-label"), r.get("data-value")) for r in rects] == [
        ("Subscriptions", "4500"),
        ("Tips", "1500"),
        ("Ads", "0"),
    ]
    heights = [float(r.get("height")) for r in rects]
    # 4500 on a 0..6000 scale (ticks every 2000) fills 3/4 of the 188 px plot height.
    assert heights[0] == 141.0
    assert heights[1] == 47.0
    assert heights[2] == 0.0
    assert rects[0].find(f"{SVG}title").text == "Subscriptions: $45.00"
    assert tick_texts(root, "y") == ["$0.00", "$20.00", "$40.00", "$60.00"]


def test_many_points_get_thinned_x_labels_but_every_mark():
    points = [(f"d{i}", i) for i in range(90)]
    root = parse(line_chart(title="Views", desc="Views per day", points=points))
    assert len(marks(root, "circle")) == 90
    xs = tick_texts(root, "x")
    assert xs[0] == "d0" and xs[-1] == "d89" and len(xs) == 7


def test_text_is_escaped_and_empty_series_says_so():
    root = parse(bar_chart(title="<script>", desc="a & b", bars=[("<b>", 1)]))
    assert root.find(f"{SVG}title").text == "<script>"
    assert marks(root, "rect") == [("<b>", "1")]
    empty = line_chart(title="Nothing", desc="No points", points=[])
    assert "No data yet" in empty
    assert re.search(r"<circle", empty) is None
