"""Charts for the report as inline SVG: the layout is computed here, the markup is in ``templates/``.

Inline SVG keeps the page self-contained (no scripts, fonts or images fetched) and is part of
the DOM, so a browser test can check that a chart is there. Every function takes plain Python
values and returns one ``<svg>`` element as markup; every mark has a ``<title>`` for a tooltip.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from markupsafe import Markup

from .render import number, render
from .world import outlines, svg_path

#: Colours of the three labels, as in displaCy's defaults (GPE's colour for LOC).
LABEL_COLOURS = {"PERSON": "#aa9cfc", "ORG": "#7aecec", "LOC": "#feca74"}
OTHER_COLOUR = "#ddd"
TITLE_HEIGHT = 24  # the chart's title line above what it draws
BAR_HEIGHT = 20
BAR_GAP = 4
BAR_LABEL_WIDTH = 190
BAR_AREA_WIDTH = 260
BAR_VALUE_WIDTH = 50
MAX_LABEL_CHARS = 28
NETWORK_SIZE = 560
NETWORK_MARGIN_X = 190  # room for the names left and right of the circle
NETWORK_MARGIN_Y = 50
MAP_WIDTH = 800  # of the frame; the labels of the graticule are outside it
MAP_MARGIN_LEFT = 40  # latitude labels ("80°N") and half of the first longitude label
MAP_MARGIN_RIGHT = 24  # half of the last longitude label
MAP_MARGIN_BOTTOM = 20  # longitude labels
MAP_MIN_SPAN = 20.0  # degrees: one place alone still gets a readable neighbourhood
MAP_ASPECT = (0.4, 0.75)  # frame height / width: a tall or flat region is widened to fit
MAP_CLIP_MARGIN = 3.0  # pixels: outlines are cut this far outside the frame (the frame hides the cut)
MAP_MIN_STEP = 1.0  # pixels: outline points closer than this to the last one are dropped
FONT_SIZE = 12  # pixels, as in templates/chart.svg
CHAR_WIDTH = 6.5  # pixels, about, of one character at that size


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


def bar_chart(bars: list[Bar], *, title: str, css_class: str = "chart bar-chart") -> Markup:
    """Horizontal bars, longest first as given; an empty list gives a chart that says so."""
    top = max((bar.value for bar in bars), default=0) or 1
    rows = []
    for i, bar in enumerate(bars):
        length = max(1.0, BAR_AREA_WIDTH * bar.value / top)
        rows.append(
            {
                "y": TITLE_HEIGHT + i * (BAR_HEIGHT + BAR_GAP),
                "length": length,
                "name": _short(bar.name),
                "value": number(bar.value),
                "colour": label_colour(bar.label),
                "tooltip": bar.tooltip or f"{bar.name}: {number(bar.value)}",
            }
        )
    return render(
        "bar_chart.svg",
        css_class=css_class,
        title=title,
        width=BAR_LABEL_WIDTH + BAR_AREA_WIDTH + BAR_VALUE_WIDTH,
        height=max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP) + TITLE_HEIGHT + 6,
        bar_height=BAR_HEIGHT,
        label_width=BAR_LABEL_WIDTH,
        rows=rows,
        nothing_to_show=not rows,
    )


def network_chart(nodes: list[Node], edges: list[tuple[str, str, float]], *, title: str) -> Markup:
    """Nodes on a circle (grouped as given, e.g. by label), edges as lines as thick as their weight.

    A circle rather than a force layout: it is deterministic, needs no iteration, and with a few
    dozen nodes every name stays readable. Edges to a node not drawn are left out.
    """
    width = NETWORK_SIZE + 2 * NETWORK_MARGIN_X
    height = NETWORK_SIZE + 2 * NETWORK_MARGIN_Y + 20
    radius = NETWORK_SIZE / 2
    cx, cy = width / 2, 20 + NETWORK_MARGIN_Y + radius
    positions: dict[str, tuple[float, float, float]] = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        positions[node.key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    names = {node.key: node.name for node in nodes}
    drawn = [(a, b, w) for a, b, w in edges if a in positions and b in positions]
    top_edge = max((w for _, _, w in drawn), default=1) or 1
    lines = [
        {
            "x1": positions[a][0], "y1": positions[a][1], "x2": positions[b][0], "y2": positions[b][1],
            "width": 0.8 + 5 * weight / top_edge,
            "tooltip": " – ".join(sorted((names[a], names[b]))) + f": {number(weight)}",
        }
        for a, b, weight in drawn
    ]  # fmt: skip
    top_node = max((node.weight for node in nodes), default=1) or 1
    circles = []
    for node in nodes:
        x, y, angle = positions[node.key]
        r = 4 + 14 * math.sqrt(node.weight / top_node)
        circles.append(
            {
                "x": x, "y": y, "r": r, "colour": label_colour(node.label), "name": _short(node.name),
                "label_x": x + (r + 4) * math.cos(angle), "label_y": y + (r + 4) * math.sin(angle) + 4,
                "anchor": "start" if math.cos(angle) >= 0 else "end",
                "tooltip": f"{node.name} ({node.label}): {number(node.weight)}",
            }
        )  # fmt: skip
    return render(
        "network_chart.svg",
        css_class="chart network-chart",
        title=title,
        width=width,
        height=height,
        edges=lines,
        nodes=circles,
        nothing_to_show=not circles,
    )


@dataclass(frozen=True)
class MapView:
    """The part of the world a map shows, and how it lands on the page (equirectangular).

    Longitudes are scaled by the cosine of the middle latitude (the standard parallel), so the
    shapes are true there rather than stretched east–west.
    """

    west: float
    south: float
    east: float
    north: float

    @property
    def parallel(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        """Pixels per degree of latitude."""
        return MAP_WIDTH / ((self.east - self.west) * self.parallel)

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            MAP_MARGIN_LEFT + (longitude - self.west) * self.scale * self.parallel,
            TITLE_HEIGHT + (self.north - latitude) * self.scale,
        )

    def box(self, pixels: float) -> tuple[float, float, float, float]:
        """The view in degrees (west, south, east, north), grown by ``pixels`` on each side."""
        lat, lon = pixels / self.scale, pixels / (self.scale * self.parallel)
        return self.west - lon, self.south - lat, self.east + lon, self.north + lat

    @classmethod
    def around(cls, places: list[Place]) -> MapView:
        """Zoomed to ``places`` with a margin, at least :data:`MAP_MIN_SPAN` degrees each way."""
        south, north = _padded([p.latitude for p in places], -90.0, 90.0)
        west, east = _padded([p.longitude for p in places], -180.0, 180.0)
        parallel = math.cos(math.radians((south + north) / 2))
        low, high = MAP_ASPECT
        # Widen the flatter side until height / width is within MAP_ASPECT.
        west, east = _widened(west, east, (north - south) / (high * parallel), -180.0, 180.0)
        south, north = _widened(south, north, (east - west) * parallel * low, -90.0, 90.0)
        return cls(west, south, east, north)


def map_chart(places: list[Place], *, title: str) -> Markup:
    """Places as circles on Natural Earth's coastlines and borders, zoomed to where they are.

    The frame is labelled in degrees (``0°`` on the equator and the prime meridian), labels sit
    in margins wide enough for them, and each circle's name is placed where it overlaps nothing.
    """
    view = MapView.around(places)
    x0, y0 = view.xy(view.west, view.north)
    x1, y1 = view.xy(view.east, view.south)
    box = view.box(MAP_CLIP_MARGIN)
    world = outlines()
    step = _grid_step(max(view.east - view.west, view.north - view.south))
    meridians = [{"x": view.xy(lon, 0)[0], "label": _degrees(lon, "E", "W")} for lon in _ticks(view.west, view.east, step)]
    parallels = [{"y": view.xy(0, lat)[1], "label": _degrees(lat, "N", "S")} for lat in _ticks(view.south, view.north, step)]
    top_weight = max((p.weight for p in places), default=1) or 1
    marks = []
    for place in sorted(places, key=lambda p: -p.weight):  # small circles drawn over big ones
        x, y = view.xy(place.longitude, place.latitude)
        marks.append(
            {
                "x": x, "y": y, "r": 3 + 12 * math.sqrt(place.weight / top_weight), "name": _short(place.name),
                "colour": label_colour(place.label),
                "tooltip": f"{place.name} ({place.latitude:.2f}, {place.longitude:.2f}): {number(place.weight)}",
            }
        )  # fmt: skip
    return render(
        "map_chart.svg",
        css_class="chart map-chart",
        title=title,
        width=MAP_MARGIN_LEFT + MAP_WIDTH + MAP_MARGIN_RIGHT,
        height=y1 + MAP_MARGIN_BOTTOM,
        frame={"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0},
        # Ids are page-wide: two maps on one page must not clip to each other's frame.
        clip_id="map-" + hashlib.sha1(repr((title, view)).encode("utf8")).hexdigest()[:10],
        land=svg_path(world.land, box, view.xy, MAP_MIN_STEP, closed=True),
        borders=svg_path(world.borders, box, view.xy, MAP_MIN_STEP, closed=False),
        meridians=meridians,
        parallels=parallels,
        places=marks,
        names=_place_names(marks, (x0, y0, x1, y1)),
        source=world.source,
        nothing_to_show=False,
    )


def _place_names(marks: list[dict], frame: tuple[float, float, float, float]) -> list[dict]:
    """Where each place's name goes: right of its circle, else left, above or below, the first
    spot inside the frame that neither another circle nor a name placed before (a bigger
    place's) overlaps. A name with no such spot is left out; its circle's tooltip names it."""
    circles = [(m["x"] - m["r"], m["y"] - m["r"], m["x"] + m["r"], m["y"] + m["r"]) for m in marks]
    placed: list[tuple[float, float, float, float]] = []
    names = []
    for i, mark in enumerate(marks):
        others = placed + circles[:i] + circles[i + 1 :]
        x, y, r, width = mark["x"], mark["y"], mark["r"], len(mark["name"]) * CHAR_WIDTH
        spots = (
            (x + r + 3, y + 4, "start", x + r + 3),  # (text x, baseline y, anchor, left edge)
            (x - r - 3, y + 4, "end", x - r - 3 - width),
            (x, y - r - 4, "middle", x - width / 2),
            (x, y + r + 13, "middle", x - width / 2),
        )
        for text_x, text_y, anchor, left in spots:
            box = (left, text_y - FONT_SIZE, left + width, text_y + 3)
            if _inside(box, frame) and not any(_boxes_overlap(box, other) for other in others):
                placed.append(box)
                names.append({"x": text_x, "y": text_y, "anchor": anchor, "name": mark["name"]})
                break
    return names


def _inside(box: tuple[float, ...], frame: tuple[float, ...]) -> bool:
    return frame[0] <= box[0] and frame[1] <= box[1] and box[2] <= frame[2] and box[3] <= frame[3]


def _boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _padded(values: list[float], floor: float, ceiling: float) -> tuple[float, float]:
    low, high = min(values, default=0.0), max(values, default=0.0)
    pad = max(MAP_MIN_SPAN, high - low) * 0.15
    low, high = low - pad, high + pad
    if high - low < MAP_MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - MAP_MIN_SPAN / 2, middle + MAP_MIN_SPAN / 2
    return max(floor, low), min(ceiling, high)


def _widened(low: float, high: float, span: float, floor: float, ceiling: float) -> tuple[float, float]:
    """``low``–``high`` grown to ``span`` around its middle, shifted back inside floor–ceiling."""
    if high - low >= span:
        return low, high
    middle = (low + high) / 2
    low, high = middle - span / 2, middle + span / 2
    if low < floor:
        low, high = floor, high + (floor - low)
    if high > ceiling:
        low, high = low - (high - ceiling), ceiling
    return max(floor, low), high


def _grid_step(span: float) -> float:
    for step in (1, 2, 5, 10, 15, 30):
        if span / step <= 8:
            return float(step)
    return 45.0


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step) * step
    return [round(first + i * step, 6) for i in range(int((high - first) // step) + 1)]


def _degrees(value: float, positive: str, negative: str) -> str:
    """``30°N``, ``45°W``; the equator, the prime meridian and the antimeridian have no side."""
    if abs(value) < 1e-9 or abs(value) == 180:
        return f"{abs(value):g}°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"
