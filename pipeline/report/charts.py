"""Charts for the report as inline SVG strings, drawn in Python with no plotting library.

Inline SVG keeps the page self-contained (no scripts, fonts or images fetched) and is part of
the DOM, so a browser test can check that a chart is there. Every function takes plain Python
values and returns one ``<svg>`` element; every mark has a ``<title>`` for a tooltip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

#: Colours of the three labels, as in displaCy's defaults (GPE's colour for LOC).
LABEL_COLOURS = {"PERSON": "#aa9cfc", "ORG": "#7aecec", "LOC": "#feca74"}
OTHER_COLOUR = "#ddd"
FONT = "font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 12px"
BAR_HEIGHT = 20
BAR_GAP = 4
BAR_LABEL_WIDTH = 190
BAR_AREA_WIDTH = 260
MAX_LABEL_CHARS = 28
NETWORK_SIZE = 560
NETWORK_MARGIN_X = 190  # room for the names left and right of the circle
NETWORK_MARGIN_Y = 50
MAP_WIDTH = 640
MAP_MIN_SPAN = 20.0  # degrees: one place alone still gets a readable neighbourhood


@dataclass(frozen=True)
class Bar:
    name: str
    value: float
    label: str = ""  # PERSON / ORG / LOC, for the colour
    tooltip: str = ""


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    label: str
    weight: float  # drawn as the circle's area


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    weight: float  # drawn as the circle's area
    label: str = "LOC"


def label_colour(label: str) -> str:
    return LABEL_COLOURS.get(label, OTHER_COLOUR)


def _short(name: str, limit: int = MAX_LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(bars: list[Bar], *, title: str, css_class: str = "chart bar-chart") -> str:
    """Horizontal bars, longest first as given; an empty list gives a chart that says so."""
    height = max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP) + 30
    width = BAR_LABEL_WIDTH + BAR_AREA_WIDTH + 50
    parts = [
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" style="{FONT}">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not bars:
        parts.append('<text x="0" y="40" fill="#777">nothing to show</text>')
    top = max((bar.value for bar in bars), default=0) or 1
    for i, bar in enumerate(bars):
        y = 24 + i * (BAR_HEIGHT + BAR_GAP)
        length = max(1.0, BAR_AREA_WIDTH * bar.value / top)
        tip = escape(bar.tooltip or f"{bar.name}: {_number(bar.value)}")
        parts.append(
            f'<g class="bar"><title>{tip}</title>'
            f'<text x="{BAR_LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">{escape(_short(bar.name))}</text>'
            f'<rect x="{BAR_LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="3" fill="{label_colour(bar.label)}"/>'
            f'<text x="{BAR_LABEL_WIDTH + length + 4:.1f}" y="{y + 14}">{_number(bar.value)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def network_chart(nodes: list[Node], edges: list[tuple[str, str, float]], *, title: str) -> str:
    """Nodes on a circle (grouped as given, e.g. by label), edges as lines as thick as their weight.

    A circle rather than a force layout: it is deterministic, needs no iteration, and with a few
    dozen nodes every name stays readable.
    """
    width = NETWORK_SIZE + 2 * NETWORK_MARGIN_X
    height = NETWORK_SIZE + 2 * NETWORK_MARGIN_Y + 20
    radius = NETWORK_SIZE / 2
    cx, cy = width / 2, 20 + NETWORK_MARGIN_Y + radius
    parts = [
        f'<svg class="chart network-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" style="{FONT}">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not nodes:
        parts.append('<text x="0" y="40" fill="#777">nothing to show</text></svg>')
        return "".join(parts)
    positions: dict[str, tuple[float, float, float]] = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        positions[node.key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    top_edge = max((w for _, _, w in edges), default=1) or 1
    names = {node.key: node.name for node in nodes}
    for a, b, weight in edges:
        if a not in positions or b not in positions:
            continue
        (x1, y1, _), (x2, y2, _) = positions[a], positions[b]
        width = 0.8 + 5 * weight / top_edge
        tip = escape(" – ".join(sorted((names[a], names[b]))) + f": {_number(weight)}")
        parts.append(
            f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#667" '
            f'stroke-opacity="0.45" stroke-width="{width:.2f}"><title>{tip}</title></line>'
        )
    top_node = max(node.weight for node in nodes) or 1
    for node in nodes:
        x, y, angle = positions[node.key]
        r = 4 + 14 * math.sqrt(node.weight / top_node)
        anchor = "start" if math.cos(angle) >= 0 else "end"
        lx, ly = x + (r + 4) * math.cos(angle), y + (r + 4) * math.sin(angle) + 4
        parts.append(
            f'<g class="node"><title>{escape(f"{node.name} ({node.label}): {_number(node.weight)}")}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{label_colour(node.label)}" stroke="#555"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(_short(node.name))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def map_chart(places: list[Place], *, title: str) -> str:
    """Places as circles on a longitude/latitude grid (equirectangular), zoomed to where they are.

    No coastlines: drawing them would need a world shape file shipped with the package. The grid
    is labelled in degrees, and each circle names its place.
    """
    lats = [p.latitude for p in places]
    lons = [p.longitude for p in places]
    south, north = _padded(min(lats, default=0.0), max(lats, default=0.0), -90.0, 90.0)
    west, east = _padded(min(lons, default=0.0), max(lons, default=0.0), -180.0, 180.0)
    scale = MAP_WIDTH / (east - west)
    height = (north - south) * scale
    top = 24

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - west) * scale, top + (north - lat) * scale

    parts = [
        f'<svg class="chart map-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH + 40} {height + top + 20:.0f}" '
        f'width="{MAP_WIDTH + 40}" height="{height + top + 20:.0f}" role="img" aria-label="{escape(title)}" style="{FONT}">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="0" y="{top}" width="{MAP_WIDTH}" height="{height:.1f}" fill="#eef4fa" stroke="#99a"/>',
    ]
    step = _grid_step(max(east - west, north - south))
    for lon in _ticks(west, east, step):
        x, _ = xy(0, lon)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + height:.1f}" stroke="#ccd"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + height + 14:.1f}" text-anchor="middle" fill="#667">{_degrees(lon, "E", "W")}</text>')
    for lat in _ticks(south, north, step):
        _, y = xy(lat, 0)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{MAP_WIDTH}" y2="{y:.1f}" stroke="#ccd"/>')
        parts.append(f'<text x="{MAP_WIDTH + 4}" y="{y + 4:.1f}" fill="#667">{_degrees(lat, "N", "S")}</text>')
    top_weight = max((p.weight for p in places), default=1) or 1
    for place in sorted(places, key=lambda p: -p.weight):  # small circles drawn over big ones
        x, y = xy(place.latitude, place.longitude)
        r = 3 + 12 * math.sqrt(place.weight / top_weight)
        tip = escape(f"{place.name} ({place.latitude:.2f}, {place.longitude:.2f}): {_number(place.weight)}")
        parts.append(
            f'<g class="place"><title>{tip}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{label_colour(place.label)}" fill-opacity="0.8" stroke="#a65"/>'
            f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}">{escape(_short(place.name))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _padded(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    pad = max(MAP_MIN_SPAN, high - low) * 0.15
    low, high = low - pad, high + pad
    if high - low < MAP_MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - MAP_MIN_SPAN / 2, middle + MAP_MIN_SPAN / 2
    return max(floor, low), min(ceiling, high)


def _grid_step(span: float) -> float:
    for step in (1, 2, 5, 10, 15, 30):
        if span / step <= 8:
            return float(step)
    return 45.0


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]


def _degrees(value: float, positive: str, negative: str) -> str:
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"
