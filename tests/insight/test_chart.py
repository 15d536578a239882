"""The server-drawn day chart: the axis top and the bars' geometry."""

from datetime import date

import pytest

from insight.chart import HEIGHT, day_chart, nice_ceiling


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (420, 500)]
)
def test_the_axis_top_is_a_round_number_at_or_above_the_busiest_day(value, top):
    assert nice_ceiling(value) == top


def test_bars_scale_to_the_axis_top_and_sit_on_the_baseline():
    days = [{"date": date(2025, 10, d), "count": c} for d, c in ((26, 4), (27, 0), (28, 2))]
    chart = day_chart(days)
    # Plot area: 240 high less 12 on top and 36 below = 192; the top is 5.
    assert [bar["height"] for bar in chart["bars"]] == [153.6, 0, 76.8]
    assert all(
        bar["y"] + bar["height"] == chart["baseline"] == HEIGHT - 36 for bar in chart["bars"]
    )
    assert [tick["value"] for tick in chart["ticks"]] == [0, 2, 5]
    assert chart["total"] == 6 and chart["busiest"]["date"] == date(2025, 10, 26)
