"""The map's outlines: TopoJSON decoding, borders as shared arcs, the antimeridian, clipping, thinning."""

from pipeline.report.world import Line, across_antimeridian, clip, decode_arcs, outlines, rings, shared_arcs, svg_path, thin

# Two unit squares side by side on a grid of quarter degrees: arc 0 is the edge they share.
TOPOLOGY = {
    "transform": {"scale": [0.25, 0.25], "translate": [10, 20]},
    "arcs": [
        [[4, 0], [0, 4]],  # (11, 20) → (11, 21)
        [[4, 4], [-4, 0], [0, -4], [4, 0]],  # (11, 21) → (10, 21) → (10, 20) → (11, 20)
        [[4, 0], [4, 0], [0, 4], [-4, 0]],  # (11, 20) → (12, 20) → (12, 21) → (11, 21)
    ],
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "arcs": [[[2, ~0]]]},
                {"type": "Point", "coordinates": [0, 0]},  # not an area: no ring
            ],
        }
    },
}


def inside(point, ring) -> bool:
    """Even-odd rule: does a ray to the east cross ``ring`` an odd number of times?"""
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def test_arcs_are_decoded_and_stitched_into_rings():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]
    assert list(rings(TOPOLOGY["objects"]["squares"], arcs)) == [
        [(11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)],
        [(11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0), (11.0, 20.0)],  # ~0: arc 0 backwards
    ]
    assert shared_arcs(TOPOLOGY["objects"]["squares"]) == [0]


def test_bundled_outlines_are_natural_earth_land_and_borders():
    world = outlines()
    assert world.source.startswith("Natural Earth")
    on_land = [(44.37, 33.32), (-98.5, 39.8), (151.2, -33.9)]  # Baghdad, Kansas, Sydney
    at_sea = [(-30.0, 0.0), (-140.0, 10.0), (70.0, -20.0)]  # Atlantic, Pacific, Indian Ocean
    for point in on_land:
        assert sum(inside(point, list(ring.points)) for ring in world.land) % 2 == 1, point
    for point in at_sea:
        assert sum(inside(point, list(ring.points)) for ring in world.land) % 2 == 0, point
    assert len(world.borders) > 300  # Natural Earth has some 240 countries, most with several neighbours
    # A border is one line between two neighbours: none jumps across the antimeridian.
    assert all(abs(b[0] - a[0]) < 180 for line in world.borders for a, b in zip(line.points, line.points[1:]))


def test_a_ring_across_the_antimeridian_is_drawn_on_both_sides():
    ring = [(170.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (170.0, 70.0), (170.0, 60.0)]
    assert across_antimeridian(ring) == [
        [(170.0, 60.0), (190.0, 60.0), (190.0, 70.0), (170.0, 70.0), (170.0, 60.0)],
        [(-190.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (-190.0, 70.0), (-190.0, 60.0)],
    ]
    # Around the pole the ring cannot be made continuous: its straight edges stay as they are.
    polar = [(-180.0, -80.0), (0.0, -70.0), (180.0, -80.0), (180.0, -90.0), (-180.0, -90.0), (-180.0, -80.0)]
    assert across_antimeridian(polar) == [polar]
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert across_antimeridian(square) == [square]


def test_clip_keeps_the_part_inside_the_box():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert clip(square, (5.0, -1.0, 20.0, 20.0)) == [(5.0, 0.0), (10.0, 0.0), (10.0, 10.0), (5.0, 10.0)]
    assert clip(square, (-1.0, -1.0, 11.0, 11.0)) == square
    assert clip(square, (20.0, 20.0, 30.0, 30.0)) == []


def test_thin_drops_points_within_a_step_of_the_last_kept():
    points = [(0.0, 0.0), (0.5, 0.2), (0.9, 0.9), (1.2, 0.0), (3.0, 3.0)]
    assert thin(points, 1.0) == [(0.0, 0.0), (1.2, 0.0), (3.0, 3.0)]


def test_svg_path_projects_clips_and_closes():
    def project(lon, lat):
        return lon * 10, -lat * 10

    square = Line.of([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)])
    far = Line.of([(50.0, 50.0), (60.0, 50.0), (60.0, 60.0), (50.0, 50.0)])
    assert svg_path([square, far], (5.0, -1.0, 20.0, 20.0), project, 1.0, closed=True) == "M50 0l50 0 0 -100 -50 0z"
    # Open lines are not clipped (the frame's clip path hides what is outside) and not closed.
    border = Line.of([(0.0, 0.0), (10.0, 0.05), (10.0, 10.0)])
    assert svg_path([border], (5.0, -1.0, 20.0, 20.0), project, 1.0, closed=False) == "M0 0l100 -0.5 0 -99.5"
