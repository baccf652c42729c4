"""Inline SVG charts: well-formed, escaped, one mark per item, a map zoomed to its places."""

import xml.etree.ElementTree as ET

from pipeline.report.charts import Bar, Node, Place, bar_chart, map_chart, network_chart

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
