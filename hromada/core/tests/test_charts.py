"""Charts: scales that contain the data from zero in 1-2-5 steps, a lone day drawn narrow, dates and numbers
in the reader's language, an SVG that parses, and a table holding every value the chart draws."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from hromada.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def is_125(step: float) -> bool:
    power = 10 ** math.floor(math.log10(step))
    return round(step / power, 9) in (1, 2, 5)


@pytest.mark.parametrize("maximum", [0, 1, 3, 7, 10, 11, 99, 101, 1234, 99_999, 250_001])
def test_ticks_start_at_zero_reach_the_maximum_and_step_by_1_2_5(maximum):
    ticks = charts.nice_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum and len(ticks) >= 2
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and is_125(steps.pop())
    assert len(ticks) <= 6  # a phone-sized axis


def day_chart(days, counts, **kw):
    return charts.time_series(chart_id="c", title="Signatures per day", description="d", periods=days,
                              series=[charts.Series("Signatures", counts)], period_label="Day",
                              value_label="Signatures", cumulative="Total", **kw)


def test_one_day_is_a_narrow_bar_centred_in_a_padded_axis():
    chart = day_chart([date(2026, 12, 2)], [1])
    (bar,) = chart.bars
    plot_width = float(chart.plot["right"]) - float(chart.plot["left"])
    assert float(bar.width) <= plot_width / 7  # never a full-width wall
    centre = float(bar.x) + float(bar.width) / 2
    assert abs(centre - (float(chart.plot["left"]) + plot_width / 2)) < plot_width / 7
    assert float(bar.height) > 0 and float(bar.y) == float(chart.plot["top"])  # 1 of a 0–1 scale
    assert any("2" in tick.label for tick in chart.x_ticks)  # the day itself is labelled
    assert chart.lines[0].dots  # a lone running total is a visible point


def test_bars_sit_on_the_zero_baseline_and_stay_inside_the_plot():
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(0, 40, 3)]
    chart = day_chart(days, [i * 7 % 23 for i in range(len(days))])
    bottom, top = float(chart.plot["bottom"]), float(chart.plot["top"])
    for bar in chart.bars:
        assert float(bar.y) + float(bar.height) == pytest.approx(bottom, abs=0.11)
        assert float(bar.y) >= top - 0.01
    xs = [float(b.x) for b in chart.bars]
    gap_days = (days[1] - days[0]).days
    assert xs[1] - xs[0] == pytest.approx(gap_days * (xs[2] - xs[1]) / gap_days, abs=0.2)  # placed by date


@pytest.mark.parametrize(("span", "expected"), [(5, r"^\d+ "), (40, r"^\d+ "), (400, r"\d{4}$")])
def test_the_date_axis_adapts_to_the_span_and_does_not_crowd(span, expected):
    days = [date(2025, 3, 1) + timedelta(days=i) for i in range(span)]
    chart = day_chart(days, [1] * span)
    assert 2 <= len(chart.x_ticks) <= 6
    assert all(re.search(expected, tick.label) for tick in chart.x_ticks)
    positions = [float(t.position) for t in chart.x_ticks]
    assert min(b - a for a, b in zip(positions, positions[1:], strict=False)) >= 40  # room for "22 Dec"


def test_labels_follow_the_language():
    with translation.override("uk"):
        chart = day_chart([date(2026, 12, 2)], [1200])
        assert "2 гру" in [t.label for t in chart.x_ticks]
        assert chart.table.rows == [["2 грудня 2026", "1\xa0200", "1\xa0200"]]
    with translation.override("en"):
        chart = day_chart([date(2026, 12, 2)], [1200])
        assert "2 Dec" in [t.label for t in chart.x_ticks]
        assert chart.table.rows == [["2 December 2026", "1,200", "1,200"]]


def render(chart) -> str:
    return Template('{% load i18n %}{% include "cotton/chart.html" %}').render(Context({"chart": chart}))


def test_the_svg_parses_and_the_table_holds_every_value():
    chart = charts.bar_chart(chart_id="votes", title="Votes per project", description="d",
                             categories=["№1. Сквер", "№2. Лавки", "№3. Дуже довга назва проєкту " * 3],
                             series=[charts.Series("Votes", [1534, 0, 87])], category_label="Project",
                             value_label="Votes", highlight=[True, False, False],
                             highlight_labels=("Funded", "Not funded"))
    with translation.override("en"):
        html = render(chart)
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg
    root = ET.fromstring(svg.group(0))  # noqa: S314 (our own markup)
    title = root.find(f"{SVG}title")
    assert root.get("role") == "img" and title is not None and title.text == "Votes per project"
    assert len(root.findall(f".//{SVG}rect")) == 3
    table = re.search(r"<table.*?</table>", html, re.S)
    assert table
    for value in ("1,534", ">0<", ">87<", "№2. Лавки"):
        assert value in table.group(0)
    assert 'class="table-scroll" role="region"' in html and 'tabindex="0"' in html
    assert "style=" not in html and "<script" not in html
    widths = [float(r.get("width") or "nan") for r in root.findall(f".//{SVG}rect")]
    assert widths[1] == 0 and widths[0] > widths[2] > 0


def test_no_data_is_an_empty_state_not_a_broken_svg():
    chart = day_chart([], [])
    assert chart.empty
    with translation.override("en"):
        html = render(chart)
    assert "<svg" not in html and "No data yet." in html
    with translation.override("uk"):
        assert "Даних поки немає." in render(charts.bar_chart(
            chart_id="e", title="t", description="d", categories=[], series=[charts.Series("n", [])],
            category_label="c", value_label="v"))


def test_grouped_series_by_month_share_one_scale():
    months = [date(2026, m, 1) for m in range(1, 13)]
    chart = charts.time_series(chart_id="m", title="Received and answered", description="d", periods=months,
                               unit="month", period_label="Month", value_label="Appeals",
                               series=[charts.Series("Received", list(range(12))),
                                       charts.Series("Answered", [n // 2 for n in range(12)])])
    assert len(chart.bars) == 24 and {b.css for b in chart.bars} == {"chart-series-1", "chart-series-2"}
    assert float(charts.nice_ticks(11)[-1]) >= 11
    assert [row[1:] for row in chart.table.rows][-1] == ["11", "5"]
    assert len(chart.legend) == 2


def test_vertical_columns_share_a_zero_baseline_and_abbreviate_long_names():
    names = ["Дороги та тротуари міста", "ЖКГ", "Освіта", "Охорона здоров'я населення", "Інше"]
    chart = charts.bar_chart(chart_id="cols", title="By department", description="d", categories=names,
                             series=[charts.Series("Appeals", [12, 3, 0, 7, 1])], category_label="Department",
                             value_label="Appeals", horizontal=False)
    bottom = float(chart.plot["bottom"])
    assert all(float(b.y) + float(b.height) == pytest.approx(bottom, abs=0.11) for b in chart.bars)
    assert float(charts.nice_ticks(12)[-1]) >= 12 and chart.y_ticks[0].label == "0"
    slot = (float(chart.plot["right"]) - float(chart.plot["left"])) / len(names)
    assert all(len(label.text) * charts.FONT * 0.6 <= slot + charts.FONT for label in chart.labels)
    assert [row[0] for row in chart.table.rows] == names  # the table keeps the full names
    with translation.override("en"):
        html = render(chart)
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg and ET.fromstring(svg.group(0)) is not None  # noqa: S314 (our own markup)
