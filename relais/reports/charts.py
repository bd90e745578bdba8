"""The report's charts: Altair specifications rendered offline to SVG, embedded as ``data:`` image URIs.

vl-convert renders the Vega-Lite JSON without a browser and is allowed no base URL, so nothing is
downloaded. The SVG goes into ``<img src="data:image/svg+xml;base64,...">``: an image cannot run
a script, whatever text the data holds. Axes use the report's language for numbers.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import altair as alt
import vl_convert as vlc

from relais.reports.figures import DepartmentRow, HeatCell, TrendPoint
from relais.reports.labels import Labels

FONT = "Liberation Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
INK, MUTED, GRID = "#1d2733", "#5b6675", "#e3e7ec"
NAVY, TEAL, CORAL, SKY = "#1f3a5f", "#2a9d8f", "#e76f51", "#9fc5e8"
CONFIG = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelColor": MUTED,
        "titleColor": INK,
        "labelFontSize": 11,
        "titleFontSize": 11,
        "gridColor": GRID,
        "domainColor": GRID,
        "tickColor": GRID,
        "titleFontWeight": "normal",
    },
    "legend": {
        "labelColor": INK,
        "labelFontSize": 11,
        "titleFontSize": 11,
        "orient": "bottom",
        "title": None,
    },
    "title": {"color": INK, "fontSize": 13, "anchor": "start", "fontWeight": "bold"},
}
SVG_PREFIX = "data:image/svg+xml;base64,"


def svg(chart: alt.TopLevelMixin, labels: Labels) -> str:
    """The chart as an SVG document, rendered offline with the language's number format."""
    locale = "fr-FR" if labels.language == "fr" else "en-US"
    return vlc.vegalite_to_svg(
        chart.to_json(),
        allowed_base_urls=[],
        format_locale=locale,
        time_format_locale=locale,
        config=CONFIG,
    )


def data_uri(chart: alt.TopLevelMixin, labels: Labels) -> str:
    """The chart as a base64 ``data:image/svg+xml`` URI for an ``<img>`` element."""
    return SVG_PREFIX + base64.b64encode(svg(chart, labels).encode("utf-8")).decode("ascii")


PARTIAL_MARK = " *"


def month_label(point: TrendPoint, labels: Labels) -> str:
    """A month on a chart's axis, ``nov. 26 *`` when its data is partial (the page explains the star)."""
    return labels.month_short(point.month) + ("" if point.is_complete else PARTIAL_MARK)


def _months(points: Sequence[TrendPoint], labels: Labels) -> list[str]:
    return [month_label(p, labels) for p in points]


def participation_chart(
    points: Sequence[TrendPoint], labels: Labels, width: int = 400, height: int = 170
) -> alt.LayerChart:
    """Enrolled and active ambassadors per month, two lines."""
    order = _months(points, labels)
    data = [
        {"month": month_label(p, labels), "series": labels(series), "value": getattr(p, series)}
        for p in points
        for series in ("enrolled", "active")
    ]
    x = alt.X("month:O", sort=order, title=None, axis=alt.Axis(labelAngle=0 if len(order) <= 6 else -40))
    color = alt.Color(
        "series:N",
        sort=[labels("enrolled"), labels("active")],
        scale=alt.Scale(domain=[labels("enrolled"), labels("active")], range=[NAVY, TEAL]),
    )
    base = alt.Chart(alt.Data(values=data)).encode(x=x, y=alt.Y("value:Q", title=None), color=color)
    return (base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=40)).properties(
        width=width, height=height, title=labels("chart_participation")
    )


def rate_chart(
    points: Sequence[TrendPoint], labels: Labels, width: int = 400, height: int = 170
) -> alt.LayerChart:
    """The participation rate per month, one line with its values."""
    order = _months(points, labels)
    data = [
        {"month": month_label(p, labels), "rate": p.participation_rate}
        for p in points
        if p.participation_rate is not None
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("month:O", sort=order, title=None, axis=alt.Axis(labelAngle=0 if len(order) <= 6 else -40)),
        y=alt.Y("rate:Q", title=None, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
    )
    line = base.mark_line(color=CORAL, strokeWidth=2.5) + base.mark_point(color=CORAL, filled=True, size=40)
    text = base.mark_text(dy=-10, fontSize=10, color=INK).encode(text=alt.Text("rate:Q", format=".0%"))
    return (line + text).properties(width=width, height=height, title=labels("chart_rate"))


def reach_chart(
    points: Sequence[TrendPoint], labels: Labels, series: str, width: int = 400, height: int = 170
) -> alt.Chart:
    """One reach figure per month (``impressions`` or ``engagements_received``) as bars, a partial
    month's bar paler."""
    order = _months(points, labels)
    data = [
        {
            "month": month_label(p, labels),
            "value": getattr(p, series),
            "opacity": 1 if p.is_complete else 0.35,
        }
        for p in points
    ]
    return (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=NAVY if series == "impressions" else TEAL, cornerRadiusEnd=2)
        .encode(
            opacity=alt.Opacity("opacity:Q", scale=None, legend=None),
            x=alt.X(
                "month:O", sort=order, title=None, axis=alt.Axis(labelAngle=0 if len(order) <= 6 else -40)
            ),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.0f")),
        )
        .properties(width=width, height=height, title=labels(series))
    )


def department_chart(
    rows: Sequence[DepartmentRow], names: Sequence[str], labels: Labels, width: int = 420
) -> alt.LayerChart:
    """Active and not-yet-active enrolled ambassadors per department, stacked horizontal bars."""
    data = []
    for row, name in zip(rows, names, strict=True):
        enrolled, active = int(row.values["enrolled"] or 0), int(row.values["active"] or 0)
        data.append({"department": name, "series": labels("active"), "value": active, "order": 0})
        data.append(
            {
                "department": name,
                "series": labels("enrolled_inactive"),
                "value": enrolled - active,
                "order": 1,
            }
        )
    domain = [labels("active"), labels("enrolled_inactive")]
    bars = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("department:N", sort=list(names), title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(value):Q", title=labels("enrolled"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("series:N", scale=alt.Scale(domain=domain, range=[TEAL, SKY]), sort=domain),
            order=alt.Order("order:Q"),
        )
    )
    return bars.properties(width=width, height=max(60, 26 * len(rows)))


def skills_heatmap(cells: Sequence[HeatCell], names: Sequence[str], labels: Labels) -> alt.LayerChart:
    """Posts showing each skill family, per department: a heatmap with the counts written in."""
    data = [
        {"department": n, "family": c.family, "posts": c.showcased_posts}
        for c, n in zip(cells, names, strict=True)
    ]
    departments = list(dict.fromkeys(names))
    families = sorted({c.family for c in cells}, key=str.casefold)
    top = max((c.showcased_posts for c in cells), default=1)
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X(
            "department:N",
            sort=departments,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-35, labelLimit=230, labelAlign="left"),
        ),
        y=alt.Y("family:N", sort=families, title=None, axis=alt.Axis(labelLimit=280)),
    )
    heat = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "posts:Q",
            scale=alt.Scale(scheme="blues", domain=[0, top]),
            legend=None,
        ),
    )
    text = base.mark_text(fontSize=10).encode(
        text="posts:Q",
        color=alt.condition(alt.datum.posts > top * 0.55, alt.value("white"), alt.value(INK)),
    )
    return (heat + text).properties(width=max(120, 52 * len(departments)), height=20 * max(1, len(families)))
