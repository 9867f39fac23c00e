"""The policy bench's frontier SVG (bench/policy/frontier_svg.py), drawn from curves made by
hand: it is well-formed SVG, draws every point of every policy, puts more inventory higher up,
and writes the saving that the curves give at equal fill."""

import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from django.test import SimpleTestCase

from bench.policy.frontier_svg import Curve, write_frontier

SVG = "{http://www.w3.org/2000/svg}"
OURS = "Shelfcast store-wide"
FAIR = "min/max fair"
CURVES = [
    Curve(
        OURS,
        [(0.70, 500.0), (0.80, 1100.0), (0.85, 1200.0), (0.95, 2400.0)],
        ["target 70%", "target 80%", "target 85%", "target 95%"],
    ),
    Curve("Shelfcast per-SKU", [(0.72, 800.0), (0.88, 2000.0)]),
    Curve(FAIR, [(0.80, 1000.0), (0.90, 2000.0), (0.97, 3000.0)], ["z = 0", "z = 1", "z = 2"]),
]


def points(polyline) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


class FrontierSvgTests(SimpleTestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = write_frontier(
            Path(folder.name) / "nested" / "frontier.svg",
            CURVES,
            ours=OURS,
            baseline=FAIR,
            references={"min/max (ERP)": (0.90, 2600.0)},
            title="Inventory against realised fill rate: a hand-made store",
            subtitle="lost sales & <odd> characters",
        )
        # parses as XML, or this raises
        self.root = ET.parse(path).getroot()

    def test_is_an_svg_document_with_its_title(self):
        self.assertEqual(self.root.tag, f"{SVG}svg")
        texts = ["".join(t.itertext()) for t in self.root.iter(f"{SVG}text")]
        self.assertIn("Inventory against realised fill rate: a hand-made store", texts)
        self.assertIn("lost sales & <odd> characters", texts)

    def test_one_polyline_per_policy_with_every_point(self):
        polylines = list(self.root.iter(f"{SVG}polyline"))
        drawn = {line.get("data-policy"): len(points(line)) for line in polylines}
        self.assertEqual(len(polylines), len(CURVES))  # the ERP point draws no line
        self.assertEqual(drawn, {curve.label: len(curve.points) for curve in CURVES})

    def test_more_inventory_is_drawn_higher_and_more_fill_further_right(self):
        fair = next(p for p in self.root.iter(f"{SVG}polyline") if p.get("data-policy") == FAIR)
        (x_1000, y_1000), (x_2000, y_2000), (x_3000, y_3000) = points(fair)
        self.assertLess(y_3000, y_2000)  # SVG's y grows downwards
        self.assertLess(y_2000, y_1000)
        self.assertLess(x_1000, x_2000)
        self.assertLess(x_2000, x_3000)

    def test_saving_written_is_the_one_read_off_the_curves(self):
        savings = [
            ("".join(t.itertext()), float(t.get("data-fill")))
            for t in self.root.iter(f"{SVG}text")
            if t.get("class") == "saving"
        ]
        # fill 0.70 is left of the fair curve (0.80-0.97): nothing to compare it with.
        # 0.80: fair holds 1000, ours 1100 -> 1 - 1100/1000 = -10.0%
        # 0.85: fair halfway from 1000 to 2000 = 1500, ours 1200 -> 1 - 1200/1500 = 20.0%
        # 0.95: fair 2000 + 5/7 x 1000 = 2714.29, ours 2400 -> 1 - 2400/2714.29 = 11.6%
        self.assertEqual(
            savings, [("10.0% more", 0.80), ("20.0% less", 0.85), ("11.6% less", 0.95)]
        )


def marker_shape(marker) -> tuple:
    """A marker's element and, for a polygon, its corners relative to the first: the same
    tuple for the same shape wherever it is drawn."""
    if marker.tag != f"{SVG}polygon":
        return (marker.tag,)
    corners = [tuple(map(float, pair.split(","))) for pair in marker.get("points").split()]
    x0, y0 = corners[0]
    return (marker.tag, *((round(x - x0, 1), round(y - y0, 1)) for x, y in corners))


class FrontierWithCoverTests(SimpleTestCase):
    def test_the_days_of_cover_curve_is_one_more_line_told_apart_from_the_others(self):
        # as the bench passes them: three of our curves, the fair min/max, then days of cover
        curves = [*CURVES[:2], Curve("seasonal naive", [(0.7, 900.0), (0.9, 2600.0)]), CURVES[2]]
        cover = Curve(
            "days of cover",
            [(0.75, 900.0), (0.90, 2500.0), (0.96, 3600.0)],
            ["N = 7 days", "N = 28 days", "N = 56 days"],
        )
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        options = {"ours": OURS, "baseline": FAIR, "title": "with and without days of cover"}
        without = ET.parse(write_frontier(Path(folder.name) / "a.svg", curves, **options))
        root = ET.parse(
            write_frontier(Path(folder.name) / "b.svg", [*curves, cover], **options)
        ).getroot()
        polylines = list(root.iter(f"{SVG}polyline"))
        self.assertEqual(len(polylines), len(list(without.getroot().iter(f"{SVG}polyline"))) + 1)
        line = next(p for p in polylines if p.get("data-policy") == "days of cover")
        self.assertEqual(len(points(line)), 3)
        # its own colour and its own marker: no other policy's
        styles = {}
        for group in root.iter(f"{SVG}g"):
            if group.get("class") == "policy":
                marker = next(e for e in group if e.tag != f"{SVG}polyline")
                styles[group.get("data-policy")] = (marker.get("stroke"), marker_shape(marker))
        self.assertEqual(len(styles), len(curves) + 1)
        colour, shape = styles.pop("days of cover")
        self.assertNotIn(colour, {other for other, _shape in styles.values()})
        self.assertNotIn(shape, {other for _colour, other in styles.values()})
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        self.assertIn("days of cover", texts)  # in the legend
