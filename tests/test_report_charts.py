"""Inline SVG charts: well-formed, escaped, one mark per item, a map zoomed to its places."""

import re
import xml.etree.ElementTree as ET

from pipeline.report.charts import CHAR_WIDTH, MAP_CLIP_MARGIN, Bar, Node, Place, bar_chart, map_chart, network_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on malformed markup


def test_bar_chart_bars_and_escaping():
    root = parse(bar_chart([Bar("AT&T <Inc>", 4, "ORG"), Bar("IS", 2, "ORG")], title="Orgs & more"))
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 2 and float(rects[0].get("width")) == 2 * float(rects[1].get("width"))
    assert [t.text for t in root.iter(f"{SVG}title")] == ["AT&T <Inc>: 4", "IS: 2"]
    assert "nothing to show" in bar_chart([], title="Empty")
    long = parse(bar_chart([Bar("Abdullah Makki Muslih al-Rufayi the Younger", 1, "PERSON")], title="t"))
    assert any(t.text and t.text.endswith("…") for t in long.iter(f"{SVG}text"))


def test_network_nodes_and_edges():
    nodes = [Node("a", "A", "PERSON", 3), Node("b", "B", "ORG", 1), Node("c", "C", "LOC", 1)]
    root = parse(network_chart(nodes, [("a", "b", 2), ("b", "c", 1), ("a", "zz", 5)], title="net"))
    lines = root.findall(f".//{SVG}line")
    assert len(lines) == 2  # the edge to a node not drawn is left out
    assert float(lines[0].get("stroke-width")) > float(lines[1].get("stroke-width"))
    assert len(root.findall(f".//{SVG}circle")) == 3
    assert "nothing to show" in network_chart([], [], title="net")


def test_map_places_inside_the_frame():
    places = [Place("Baghdad", 33.3, 44.4, 3), Place("Damascus", 33.5, 36.3, 1), Place("Nowhere", -89.9, 179.9, 1)]
    root = parse(map_chart(places, title="map"))
    frame = root.find(f"{SVG}rect")
    x0, y0 = float(frame.get("x")), float(frame.get("y"))
    x1, y1 = x0 + float(frame.get("width")), y0 + float(frame.get("height"))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 3
    for c in circles:
        assert x0 <= float(c.get("cx")) <= x1 and y0 <= float(c.get("cy")) <= y1
    one = parse(map_chart([Place("Baghdad", 33.3, 44.4, 1)], title="one place"))
    labels = [t.text for t in one.iter(f"{SVG}text")]
    assert "40°N" in labels and "40°E" in labels  # zoomed to the neighbourhood, graticule labelled


def absolute_points(path: str) -> list[list[tuple[float, float]]]:
    """The points of each subpath of ``M x y l dx dy …`` path data."""
    subpaths = []
    for part in re.findall(r"M([^Mz]*)", path):
        start, _, steps = part.partition("l")
        x, y = map(float, start.split())
        numbers = [float(n) for n in steps.split()]
        points = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = x + dx, y + dy
            points.append((x, y))
        subpaths.append(points)
    return subpaths


def text_extent(text: ET.Element) -> tuple[float, float]:
    """Left and right edge of a text element, at about CHAR_WIDTH a character."""
    x, width = float(text.get("x")), len(text.text) * CHAR_WIDTH
    anchor = text.get("text-anchor", "start")
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return left, left + width


def test_map_graticule_labels_fit_and_say_0_degrees():
    root = parse(map_chart([Place("London", 51.51, -0.13, 2), Place("Paris", 48.86, 2.35, 1)], title="m"))
    width = float(root.get("viewBox").split()[2])
    labels = root.findall(f"{SVG}text[@class='graticule']")
    assert sorted(t.text for t in labels) == ["0°", "10°E", "10°W", "20°E", "50°N", "60°N"]
    for label in labels:
        left, right = text_extent(label)
        assert 0 <= left and right <= width, label.text
    world = parse(map_chart([Place("Suva", -18.1, 178.4, 1), Place("Lima", -12.0, -77.0, 1)], title="m"))
    assert "180°" in [t.text for t in world.findall(f"{SVG}text[@class='graticule']")]


def test_map_draws_coastlines_and_borders_inside_the_frame():
    root = parse(map_chart([Place("Baghdad", 33.3, 44.4, 1)], title="m"))
    frame = root.find(f"{SVG}rect")
    assert frame.get("class") == "frame"
    x0, y0 = float(frame.get("x")), float(frame.get("y"))
    x1, y1 = x0 + float(frame.get("width")), y0 + float(frame.get("height"))
    land = absolute_points(root.find(f".//{SVG}path[@class='land']").get("d"))
    borders = absolute_points(root.find(f".//{SVG}path[@class='borders']").get("d"))
    assert len(land) > 5 and len(borders) > 10  # the Gulf's coasts and islands; Iraq's, Iran's, Syria's borders
    margin = MAP_CLIP_MARGIN + 0.2  # clipped a little outside the frame, to a tenth of a pixel
    for x, y in (point for ring in land for point in ring):
        assert x0 - margin <= x <= x1 + margin and y0 - margin <= y <= y1 + margin
    clip_id = root.find(f".//{SVG}clipPath").get("id")
    assert root.find(f".//{SVG}g[@clip-path='url(#{clip_id})']") is not None  # and the frame cuts the rest
    other = parse(map_chart([Place("Basra", 30.5, 47.8, 1)], title="m"))
    assert other.find(f".//{SVG}clipPath").get("id") != clip_id  # ids are page-wide: one per map


def test_map_across_the_antimeridian_has_no_line_across_the_map():
    root = parse(map_chart([Place("Suva", -18.1, 178.4, 1), Place("Anadyr", 64.7, 177.5, 1)], title="m"))
    width = float(root.find(f"{SVG}rect").get("width"))
    for cls in ("land", "borders"):
        for ring in absolute_points(root.find(f".//{SVG}path[@class='{cls}']").get("d")):
            assert all(abs(b[0] - a[0]) < width / 2 for a, b in zip(ring, ring[1:])), cls


def test_place_names_do_not_overlap():
    places = [Place("Baghdad", 33.3, 44.4, 3), Place("Fallujah", 33.35, 43.78, 1), Place("Basra", 30.5, 47.8, 1)]
    root = parse(map_chart(places, title="m"))
    names = {t.text: t for t in root.findall(f"{SVG}text[@class='place-name']")}
    assert names["Baghdad"].get("text-anchor") == "start"  # the biggest place's name goes first, to the right
    assert set(names) == {"Baghdad", "Fallujah", "Basra"}
    spans = sorted((text_extent(t), float(t.get("y"))) for t in names.values())
    for ((_l1, r1), y1), ((l2, _r2), y2) in zip(spans, spans[1:]):
        assert r1 <= l2 or abs(y1 - y2) >= 12  # side by side or on different lines
    same = parse(map_chart([Place("Here", 10.0, 10.0, 2), Place("There", 10.0, 10.0, 1)], title="m"))
    assert len(same.findall(f"{SVG}text[@class='place-name']")) <= 2 and len(same.findall(f".//{SVG}circle")) == 2
