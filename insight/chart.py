"""The check-ins-per-day chart, drawn on the server as SVG geometry for the template.

No script and no inline style (the CSP forbids both): positions and sizes are presentation
attributes, colours come from classes in insight.css. The same data is on the page as a table.
"""

import math

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 36


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^n at or above ``value`` (at least 1): the axis top."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def day_chart(days: list[dict]) -> dict:
    """Bars for ``[{date, count}]`` (oldest first), the y axis ticks and a few date labels."""
    top = nice_ceiling(max((day["count"] for day in days), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(days), 1)
    gap = min(slot * 0.2, 4)
    bars = []
    for index, day in enumerate(days):
        height = plot_height * day["count"] / top
        bars.append(
            {
                "x": round(LEFT + index * slot + gap / 2, 2),
                "y": round(TOP + plot_height - height, 2),
                "width": round(max(slot - gap, 1), 2),
                "height": round(height, 2),
                "date": day["date"],
                "count": day["count"],
            }
        )
    ticks = [
        {"value": value, "y": round(TOP + plot_height - plot_height * value / top, 2)}
        for value in (0, top // 2 if top > 1 else None, top)
        if value is not None
    ]
    step = max(1, math.ceil(len(days) / 6))
    labels = [
        {"x": round(bar["x"] + bar["width"] / 2, 2), "date": bar["date"]}
        for index, bar in enumerate(bars)
        if index % step == 0
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": HEIGHT - 12,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "total": sum(day["count"] for day in days),
        "busiest": max(days, key=lambda day: day["count"]) if days else None,
    }
