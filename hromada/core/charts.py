"""Chart geometry for server-rendered SVG: nice scales, date axes, bars and lines, and the data table.

The functions return plain dataclasses that the `<c-chart>` component draws; every coordinate is a
string already formatted with a dot (templates would localise floats to "60,0"), every label is
formatted for the active language. The same figures go to the table that always sits under the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The drawing box in SVG units; the SVG scales to the container's width. 360 units wide keeps the
# 12-unit labels readable on a 320 px phone (scaled ×0.8) and not huge on a desktop (CSS caps the width).
WIDTH = 360
HEIGHT = 220
FONT = 12  # keep in step with .chart-svg's font-size in hromada.css
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 28
# A short series is drawn inside at least this many slots, so one day is a narrow bar in a padded axis.
MIN_SLOTS = 7
MAX_BAR = 28  # SVG units: a bar never gets wider than this however few there are
SERIES_CLASSES = ("chart-series-1", "chart-series-2", "chart-series-3", "chart-series-4")
LINE_CLASS = "chart-line"


def num(value: float) -> str:
    """A coordinate for SVG: a dot decimal, never localised."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def label_number(value: float) -> str:
    """A tick or value label in the active language (Ukrainian: thousands with a space)."""
    if float(value).is_integer():
        value = int(value)
    return number_format(value, use_l10n=True, force_grouping=True)


def nice_step(raw: float) -> float:
    """The smallest 1-2-5 × 10ⁿ step that is at least `raw` (and at least 1: counts are whole)."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw - 1e-9:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def nice_ticks(maximum: float, *, intervals: int = 4) -> list[float]:
    """Ticks from zero in 1-2-5 steps; the last tick is at least `maximum` (a zero maximum gives 0 and 1)."""
    step = nice_step(max(maximum, 0) / intervals)
    count = max(1, math.ceil(max(maximum, 0) / step - 1e-9))
    return [step * index for index in range(count + 1)]


@dataclass(frozen=True)
class Series:
    """One named row of values; `values` lines up with the chart's categories or periods."""

    label: str
    values: Sequence[int | float]


@dataclass
class Tick:
    position: str  # x for a horizontal axis, y for a vertical one
    label: str


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    css: str
    title: str  # the tooltip: category or date, series, value


@dataclass
class Label:
    x: str
    y: str
    text: str
    anchor: str = "start"


@dataclass
class Line:
    points: str
    css: str
    dots: list[tuple[str, str, str]] = field(default_factory=list)  # (cx, cy, title)


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]  # first cell is the row header


@dataclass
class Chart:
    """What the `<c-chart>` component draws; `empty` charts show `empty_text` and no SVG."""

    id: str
    title: str
    description: str
    table: Table
    kind: str = "time"  # time, columns or rows
    width: int = WIDTH
    height: int = HEIGHT
    empty: bool = False
    empty_text: str = ""
    plot: dict[str, str] = field(default_factory=dict)  # left, top, right, bottom
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    y2_ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)  # category names and values drawn in the plot
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)
    x_label: str = ""
    y_label: str = ""
    y2_label: str = ""


# --- time -------------------------------------------------------------------------------------

def _slot(day: date, unit: str) -> int:
    return day.year * 12 + day.month - 1 if unit == "month" else day.toordinal()


def _slot_date(slot: int, unit: str) -> date:
    return date(slot // 12, slot % 12 + 1, 1) if unit == "month" else date.fromordinal(slot)


def _date_label(day: date, scale: str) -> str:
    if scale == "month":
        # Translators: a Django date format for a month tick on a chart axis ("Dec 2026")
        return dateformat.format(day, pgettext("chart axis", "M Y"))
    # Translators: a Django date format for a day tick on a chart axis ("2 Dec"); Ukrainian: "j b" → "2 гру"
    return dateformat.format(day, pgettext("chart axis", "j M"))


def date_ticks(first: int, last: int, unit: str, *, max_ticks: int = 6, anchor: int | None = None,
               ) -> list[tuple[int, str]]:
    """Slots to label between two slots: every day, every other day (through `anchor`, the first day with
    data, so a lone day is labelled), Mondays, every few weeks, or month starts."""
    span = last - first + 1
    if unit == "day":
        for step in (1, 2):
            if span <= max_ticks * step:
                start = first + ((anchor if anchor is not None else first) - first) % step
                return [(s, _date_label(_slot_date(s, unit), "day")) for s in range(start, last + 1, step)]
        for weeks in (1, 2, 4):
            if span <= max_ticks * 7 * weeks:
                monday = first + (-_slot_date(first, unit).weekday()) % 7
                return [(s, _date_label(_slot_date(s, unit), "day"))
                        for s in range(monday, last + 1, 7 * weeks)]
        months = [(s, _slot_date(s, unit)) for s in range(first, last + 1) if _slot_date(s, unit).day == 1]
        every = next(n for n in (1, 2, 3, 6, 12, 24, 60, 120, 10**6) if len(months) <= max_ticks * n)
        chosen = [(s, d) for s, d in months if (d.year * 12 + d.month - 1) % every == 0]
        return [(s, _date_label(d, "month")) for s, d in chosen]
    every = next(n for n in (1, 2, 3, 6, 12, 24, 60, 120, 10**6) if span <= max_ticks * n)
    return [(s, _date_label(_slot_date(s, unit), "month")) for s in range(first, last + 1) if s % every == 0]


def time_series(
    *, chart_id: str, title: str, description: str, periods: Sequence[date], series: Sequence[Series],
    period_label: str, value_label: str, unit: str = "day", cumulative: str = "",
    totals: Sequence[int | float] = (), empty_text: str = "", width: int = WIDTH, height: int = HEIGHT,
) -> Chart:
    """Counts per day (or per month: `unit="month"`, periods on the 1st) as bars, grouped when there are
    several series, placed by date so gaps stay gaps; `cumulative` names a running total of the first
    series drawn as a line on its own right-hand axis (`totals` gives it when the periods shown do not
    start at the beginning, aligned with `periods`). Fewer than MIN_SLOTS periods are centred in a
    padded axis, so a single day is a narrow bar, not a wall."""
    given = dict(zip(periods, totals, strict=True)) if totals else {}
    rows = sorted(zip(periods, *(s.values for s in series), strict=True))
    headers = [period_label] + [s.label for s in series] + ([cumulative] if cumulative else [])
    running: float = 0
    table_rows: list[list[str]] = []
    for row in rows:
        running = given.get(row[0], running + (row[1] if series else 0))
        table_rows.append([_table_date(row[0], unit)] + [label_number(v) for v in row[1:]]
                          + ([label_number(running)] if cumulative else []))
    table = Table(caption=title, headers=headers, rows=table_rows)
    chart = Chart(id=chart_id, title=title, description=description, table=table, kind="time",
                  width=width, height=height, empty_text=empty_text or _("No data yet."),
                  x_label=period_label, y_label=value_label, y2_label=cumulative)
    if not rows or not series:
        chart.empty = True
        return chart
    left = MARGIN_LEFT
    right = width - (MARGIN_LEFT if cumulative else MARGIN_RIGHT)
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    chart.plot = {"left": num(left), "right": num(right), "top": num(top), "bottom": num(bottom)}
    first, last = _slot(rows[0][0], unit), _slot(rows[-1][0], unit)
    span = last - first + 1
    if span < MIN_SLOTS:  # pad around a short series, centred
        before = (MIN_SLOTS - span) // 2
        first, last = first - before, last + (MIN_SLOTS - span - before)
    slots = last - first + 1
    slot_width = (right - left) / slots
    group_width = min(slot_width * 0.8, MAX_BAR * len(series))
    bar_width = group_width / len(series)
    peak = max((v for row in rows for v in row[1:]), default=0)
    ticks = nice_ticks(peak)
    top_value = ticks[-1]

    def y_of(value: float, maximum: float) -> float:
        return bottom - (bottom - top) * value / maximum

    chart.y_ticks = [Tick(num(y_of(t, top_value)), label_number(t)) for t in ticks]
    x_center = {}
    for row in rows:
        slot = _slot(row[0], unit)
        center = left + (slot - first + 0.5) * slot_width
        x_center[slot] = center
        for index, value in enumerate(row[1:]):
            x = center - group_width / 2 + index * bar_width
            y = y_of(value, top_value)
            chart.bars.append(Bar(num(x), num(y), num(max(bar_width - (1 if len(series) > 1 else 0), 1)),
                                  num(bottom - y), SERIES_CLASSES[index % len(SERIES_CLASSES)],
                                  f"{_table_date(row[0], unit)}, {series[index].label}: {label_number(value)}"))
    chart.x_ticks = [Tick(num(left + (s - first + 0.5) * slot_width), text)
                     for s, text in date_ticks(first, last, unit, max_ticks=max(2, int((right - left) // 60)),
                                                anchor=_slot(rows[0][0], unit))]
    if cumulative:
        intervals = len(ticks) - 1
        top_total = nice_step(running / intervals) * intervals
        chart.y2_ticks = [Tick(num(y_of(t, top_value)), label_number(t * top_total / top_value)) for t in ticks]
        total: float = 0
        points: list[str] = []
        dots: list[tuple[str, str, str]] = []
        for row in rows:
            total = given.get(row[0], total + row[1])
            cx, cy = num(x_center[_slot(row[0], unit)]), num(y_of(total, top_total))
            points.append(f"{cx},{cy}")
            dots.append((cx, cy, f"{_table_date(row[0], unit)}, {cumulative}: {label_number(total)}"))
        chart.lines.append(Line(" ".join(points), LINE_CLASS, dots if len(rows) <= 62 else dots[-1:]))
    chart.legend = [(SERIES_CLASSES[i % len(SERIES_CLASSES)], s.label) for i, s in enumerate(series)]
    if cumulative:
        chart.legend.append((LINE_CLASS, cumulative))
    return chart


def _table_date(day: date, unit: str) -> str:
    """A period as the table writes it: "2 грудня 2026" / "2 December 2026", or "грудень 2026"."""
    return date_format(day, "F Y" if unit == "month" else "j E Y")


# --- categories -----------------------------------------------------------------------------

def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    *, chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series],
    category_label: str, value_label: str, horizontal: bool = True, highlight: Sequence[bool] = (),
    highlight_labels: tuple[str, str] = ("", ""), empty_text: str = "", width: int = WIDTH,
) -> Chart:
    """Bars per category from a zero baseline. Horizontal (default) writes each category's name on its own
    line above its bar, so long names fit a phone; vertical columns suit a few short names. `highlight`
    marks categories (a funded project, say) with the second colour; `highlight_labels` names both in
    the legend."""
    headers = [category_label] + [s.label for s in series]
    table_rows = [[name] + [label_number(s.values[i]) for s in series] for i, name in enumerate(categories)]
    table = Table(caption=title, headers=headers, rows=table_rows)
    chart = Chart(id=chart_id, title=title, description=description, table=table,
                  kind="rows" if horizontal else "columns", width=width, empty_text=empty_text or _("No data yet."),
                  x_label=value_label if horizontal else category_label,
                  y_label=category_label if horizontal else value_label)
    if not categories or not series:
        chart.empty = True
        return chart
    peak = max((v for s in series for v in s.values), default=0)
    ticks = nice_ticks(peak)
    top_value = ticks[-1]

    def css(index: int, category: int) -> str:
        if highlight:
            return SERIES_CLASSES[1] if highlight[category] else SERIES_CLASSES[0]
        return SERIES_CLASSES[index % len(SERIES_CLASSES)]

    if horizontal:
        band = FONT + 6 + 14 * len(series) + 8  # name line, the bars, a gap
        left, right, top = 4.0, width - 44.0, MARGIN_TOP
        height = int(top + band * len(categories) + MARGIN_BOTTOM)
        bottom = height - MARGIN_BOTTOM
        chart.height = height
        chart.plot = {"left": num(left), "right": num(right), "top": num(top), "bottom": num(bottom)}
        scale = (right - left) / top_value
        chart.x_ticks = [Tick(num(left + t * scale), label_number(t)) for t in ticks]
        for category, name in enumerate(categories):
            y0 = top + category * band
            chart.labels.append(Label(num(left), num(y0 + FONT), _shorten(name, int((width - 8) / (FONT * 0.55)))))
            for index, s in enumerate(series):
                value = s.values[category]
                y = y0 + FONT + 4 + index * 14
                chart.bars.append(Bar(num(left), num(y), num(value * scale), "12", css(index, category),
                                      f"{name}, {s.label}: {label_number(value)}"))
                chart.labels.append(Label(num(left + value * scale + 4), num(y + 10), label_number(value)))
    else:
        height = HEIGHT
        left, right, top, bottom = MARGIN_LEFT, width - MARGIN_RIGHT, MARGIN_TOP, height - MARGIN_BOTTOM - 12
        chart.plot = {"left": num(left), "right": num(right), "top": num(top), "bottom": num(bottom)}
        slot = (right - left) / len(categories)
        group = min(slot * 0.8, MAX_BAR * 1.5 * len(series))
        bar = group / len(series)
        chart.y_ticks = [Tick(num(bottom - (bottom - top) * t / top_value), label_number(t)) for t in ticks]
        limit = max(3, int(slot // (FONT * 0.6)))
        for category, name in enumerate(categories):
            center = left + (category + 0.5) * slot
            chart.labels.append(Label(num(center), num(bottom + FONT + 4), _shorten(name, limit), "middle"))
            for index, s in enumerate(series):
                value = s.values[category]
                h = (bottom - top) * value / top_value
                chart.bars.append(Bar(num(center - group / 2 + index * bar), num(bottom - h), num(bar),
                                      num(h), css(index, category), f"{name}, {s.label}: {label_number(value)}"))
    if highlight and any(highlight_labels):
        chart.legend = [(SERIES_CLASSES[1], highlight_labels[0]), (SERIES_CLASSES[0], highlight_labels[1])]
    elif len(series) > 1:
        chart.legend = [(SERIES_CLASSES[i % len(SERIES_CLASSES)], s.label) for i, s in enumerate(series)]
    return chart


__all__ = ["Chart", "Series", "bar_chart", "date_ticks", "label_number", "nice_step", "nice_ticks", "time_series"]
