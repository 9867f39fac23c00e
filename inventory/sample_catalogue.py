"""The sample the demo stores are built from (the Online Retail data set's products, daily
sales and calendar), and how its products get readable names, categories and suppliers."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data" / "online_retail"

# Category by keyword in the product name: the first rule with a matching word wins, so the
# more specific rules come first ("PAPER CUPS" is tableware, "LUNCH BAG" a bag).
CATEGORY_RULES: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (category, frozenset(keywords.split()))
    for category, keywords in (
        ("Christmas & seasonal", "CHRISTMAS XMAS ADVENT EASTER SANTA"),
        ("Bags", "BAG BAGS SHOPPER WASHBAG"),
        ("Candles & lighting", "CANDLE CANDLES CANDLEHOLDER LIGHT LIGHTS LANTERN MATCHES"),
        (
            "Kitchen & tableware",
            "MUG CUP CUPS TEA TEACUP SAUCER BOWL BOWLS PLATE PLATES NAPKIN NAPKINS CAKE "
            "CAKESTAND JUG JAM LUNCH CUTLERY BAKING COOKIE TIN TINS JAR JARS CADDY APRON "
            "KITCHEN TRAY BREAD OVEN MOULDS DOILIES SNACK BOTTLE",
        ),
        (
            "Cards, wrap & stationery",
            "CARD CARDS WRAP PAPER TISSUE TISSUES NOTEBOOK NOTEBOOKS STATIONERY CHALK CRAYONS "
            "PENCIL RIBBONS CONFETTI",
        ),
        (
            "Home decoration",
            "HEART HEARTS DECORATION DECORATIVE ORNAMENT FRAME SIGN BUNTING GARLAND CLOCK "
            "HANGING DOORMAT CUSHION KNOB CHALKBOARD WALL MIRROR WICKER TRINKET STORAGE HOOK "
            "RACK CABINET CHEST",
        ),
        (
            "Toys, games & crafts",
            "TOY TOYS DOLL GAME DOMINOES HARMONICA SPINNING SNAKES HELICOPTER WINDMILL "
            "FELTCRAFT PAINT COLOURING KNITTING SEWING",
        ),
        ("Jewellery", "EARRINGS NECKLACE RING BRACELET CHARM"),
    )
)
OTHER_CATEGORY = "Other"

# Made-up suppliers, each serving some categories; everything else goes to the last one.
SUPPLIERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SUP-BAGS", "Harbour Bags Ltd (illustrative)", "orders@harbour-bags.example", ("Bags",)),
    (
        "SUP-LIGHT",
        "Lantern Lane Lighting (illustrative)",
        "orders@lantern-lane.example",
        ("Candles & lighting",),
    ),
    (
        "SUP-KITCHEN",
        "Potter's Wharf Kitchenware (illustrative)",
        "orders@potters-wharf.example",
        ("Kitchen & tableware",),
    ),
    (
        "SUP-PAPER",
        "Folded Paper & Seasonal Co. (illustrative)",
        "orders@folded-paper.example",
        ("Cards, wrap & stationery", "Christmas & seasonal"),
    ),
    (
        "SUP-HOME",
        "Hearth Homeware Imports (illustrative)",
        "orders@hearth-homeware.example",
        ("Home decoration", "Toys, games & crafts", "Jewellery", OTHER_CATEGORY),
    ),
)
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "w", "with"}
)
ACRONYMS = frozenset({"LED", "UK", "USA", "DIY", "CD", "DVD", "UFO"})


# -- the sample ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    products: list[dict[str, str]]  # sorted by stock_code
    sales: dict[str, list[dict[str, str]]]  # stock_code -> rows sorted by date
    trading_days: list[dt.date]  # sorted

    @property
    def last_date(self) -> dt.date:
        return self.trading_days[-1]


def _read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sample(directory: Path = SAMPLE_DIR) -> Sample:
    products = sorted(_read_csv(directory / "products.csv.gz"), key=lambda row: row["stock_code"])
    sales: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_csv(directory / "daily_sales.csv.gz"):
        sales[row["stock_code"]].append(row)
    for rows in sales.values():
        rows.sort(key=lambda row: row["date"])
    trading_days = sorted(
        dt.date.fromisoformat(row["date"])
        for row in _read_csv(directory / "calendar.csv")
        if row["is_trading_day"] == "1"
    )
    return Sample(products=products, sales=dict(sales), trading_days=trading_days)


# -- names and categories ----------------------------------------------------------------------
def display_name(description: str) -> str:
    """The source's upper-case name, title-cased: "SET/20 RED RETROSPOT PAPER NAPKINS" ->
    "Set/20 Red Retrospot Paper Napkins", "HEART OF WICKER SMALL" -> "Heart of Wicker Small"."""
    text = re.sub(r"\s+", " ", description).strip().rstrip(".,").strip()
    text = text.replace(" ,", ",")
    words = []
    for position, word in enumerate(text.split(" ")):
        if position > 0 and word.lower() in SMALL_WORDS:
            words.append(word.lower())
            continue
        parts = re.split(r"([-/+&,])", word)
        words.append("".join(_title_part(part) for part in parts))
    return " ".join(words)


def _title_part(part: str) -> str:
    lead = len(part) - len(part.lstrip("\"'("))
    prefix, rest = part[:lead], part[lead:]
    if not rest:
        return part
    if rest.upper().strip("\"')") in ACRONYMS:
        return prefix + rest.upper()
    if rest[0].isdigit():  # quantities and sizes: "18pc", "120cm", "3"
        return prefix + rest.lower()
    return prefix + rest.capitalize()


def category_for(description: str) -> str:
    words = set(re.findall(r"[A-Z0-9]+", description.upper()))
    for category, keywords in CATEGORY_RULES:
        if words & keywords:
            return category
    return OTHER_CATEGORY


def supplier_code_for(category: str) -> str:
    for code, _, _, categories in SUPPLIERS:
        if category in categories:
            return code
    return SUPPLIERS[-1][0]
