"""Trend charts as PNG images (matplotlib, no display needed). They plot figures already in the marts."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

# colour-blind-safe (Okabe-Ito), dark enough to print in grey
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
WIDTH_INCHES, HEIGHT_INCHES, DPI = 7.0, 2.9, 150


def _figure():
    plt.rcParams.update({"font.size": 8.5, "font.family": "DejaVu Sans", "axes.titlesize": 9.5,
                         "axes.spines.top": False, "axes.spines.right": False})
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    return buffer.getvalue()


def line_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]], *, y_label: str,
               percent: bool = False, band: tuple[float, float] | None = None, band_label: str = "",
               target: float | None = None, target_label: str = "", sparse_ticks: bool = False,
               marks: list[tuple[int, int]] | None = None) -> bytes:
    figure, axes = _figure()
    positions = list(range(len(x_labels)))
    if band:
        axes.axhspan(band[0], band[1], color="#009E73", alpha=0.12, label=band_label)
    if target is not None:
        axes.axhline(target, color="#555555", linestyle="--", linewidth=1, label=target_label)
    for index, (label, values) in enumerate(series):
        # a line is broken where there is no figure (or a hidden one): it never runs across a gap, which
        # would draw a value that is not there
        runs, run = [], []
        for x, y in zip(positions, values):
            if y is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((x, y))
        if run:
            runs.append(run)
        for number, points in enumerate(runs):
            xs, ys = zip(*points)
            axes.plot(xs, ys, marker="o" if len(positions) <= 12 or len(points) == 1 else None, markersize=4,
                      linewidth=1.8, color=PALETTE[index % len(PALETTE)], label=label if number == 0 else None)
    if sparse_ticks:
        # one tick a year, at its first month: the label says which year
        ticks = [i for i, label in enumerate(x_labels) if label.startswith("Apr")] or positions[::12]
        axes.set_xticks(ticks)
        axes.set_xticklabels([x_labels[i] for i in ticks])
    else:
        axes.set_xticks(positions)
        axes.set_xticklabels(x_labels)
    axes.set_ylabel(y_label)
    if percent:
        axes.set_ylim(0, 100)
    else:
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _say_when_empty(axes, series)
    _mark_hidden(axes, marks, len(series))
    if len(series) > 1 or band or target is not None:
        # above the plot, so that it never hides a line
        axes.legend(frameon=False, fontsize=7.5, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3)
    return _png(figure)


def _say_when_empty(axes, series) -> None:
    """A chart whose every point is left out says so, rather than drawing empty axes below zero."""
    if any(value is not None for _, values in series for value in values):
        return
    axes.set_ylim(0, 1)
    axes.set_yticks([])
    axes.text(0.5, 0.5, "Every figure of this chart is suppressed (small numbers): see the tables.",
              transform=axes.transAxes, ha="center", va="center", color="#505a5f")


def _mark_hidden(axes, marks, count: int, grouped: bool = False) -> None:
    """Write "[c]" at the foot of the chart where a hidden point would be (in its series' colour)."""
    for index, position in marks or []:
        x = position - 0.4 + (0.8 / count) * (index + 0.5) if grouped else position
        axes.annotate("[c]", xy=(x, 0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                      textcoords="offset points", ha="center", va="bottom", fontsize=7,
                      color=PALETTE[index % len(PALETTE)])


def bar_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]], *, y_label: str,
              stacked: bool = False, percent: bool = False, marks: list[tuple[int, int]] | None = None) -> bytes:
    figure, axes = _figure()
    count = max(len(series), 1)
    width = 0.8 if stacked else 0.8 / count
    bottoms = [0.0] * len(x_labels)
    for index, (label, values) in enumerate(series):
        numbers = [value or 0 for value in values]
        if stacked:
            positions = list(range(len(x_labels)))
            axes.bar(positions, numbers, width, bottom=bottoms, label=label, color=PALETTE[index % len(PALETTE)])
            bottoms = [b + n for b, n in zip(bottoms, numbers)]
        else:
            positions = [x - 0.4 + width * (index + 0.5) for x in range(len(x_labels))]
            axes.bar(positions, numbers, width, label=label, color=PALETTE[index % len(PALETTE)])
    axes.set_xticks(list(range(len(x_labels))))
    axes.set_xticklabels(x_labels)
    axes.set_ylabel(y_label)
    if percent:
        axes.set_ylim(0, 100)
    else:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not percent:
        axes.set_ylim(bottom=0)
    _say_when_empty(axes, series)
    _mark_hidden(axes, marks, count, grouped=not stacked)
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=7.5, ncol=min(len(series), 4), loc="upper left",
                    bbox_to_anchor=(0, 1.18))
    return _png(figure)


SUPPRESSED_MARK = "[c]"


def plotted_values(chart, *, public: bool) -> list[tuple[str, list[float | None]]]:
    """What a chart plots: each series' values, None where there is no figure or the public version hides
    it (a hidden point is left out, never drawn as 0 or as its value)."""
    return [(label, [None if (public and "value" in cell.hidden) or not cell.available else cell.value
                     for cell in cells]) for label, cells in chart.series]


def hidden_points(chart, *, public: bool) -> list[tuple[int, int]]:
    """(series, position) of the points the public version hides."""
    if not public:
        return []
    return [(index, position) for index, (_, cells) in enumerate(chart.series)
            for position, cell in enumerate(cells) if "value" in cell.hidden]


def draw(chart, *, public: bool) -> bytes:
    """The chart as a PNG; in the public version a hidden point is left out and "[c]" written where it
    would be, at the foot of the chart."""
    series = plotted_values(chart, public=public)
    options = dict(chart.options)
    marks = hidden_points(chart, public=public)
    if chart.style == "bar":
        return bar_chart(chart.x_labels, series, y_label=chart.y_label, percent=chart.percent, marks=marks)
    return line_chart(chart.x_labels, series, y_label=chart.y_label, percent=chart.percent, marks=marks, **options)


def describe(chart, *, public: bool) -> str:
    """The chart's alternative text: every point in words, the same figures as the tables ("[c]" where the
    public version hides one)."""
    from dagster_project.lib.report.model import display

    labels = chart.description_labels or chart.x_labels
    parts = []
    for label, cells in chart.series:
        points = []
        for x_label, cell in zip(labels, cells):
            text = display(cell, public=public, threshold=0)
            if text == "–":
                text = "no figure"
            elif text in ("<5", SUPPRESSED_MARK):
                text = f"{text} (suppressed: a small number)"
            points.append(f"{x_label} {text}")
        parts.append(f"{label}: " + ", ".join(points))
    text = "; ".join(parts)
    if public and hidden_points(chart, public=public):
        text += ". Points marked [c] are left out of the chart so that no child can be identified"
    return text
