"""The PDF of a purchase order, as its supplier receives it (fpdf2): the store, the supplier,
where to deliver and by when, each line's quantity, unit cost and total, and the order's
total in its currency.

Text is set in DejaVu Sans where the system has it (Latin, Greek, Cyrillic and more), with a
CJK fallback font where one is installed; otherwise in the PDF core font Helvetica (Latin-1
only). Nothing is downloaded. A character no available font can show is never dropped
silently: accented letters fall back to their base letter (é -> e) and anything else (a
Chinese product name without a CJK font) is marked ``[?]``, with a note under the lines
that the SKU code identifies the product.

Its fixed texts are in the active language (the sending service chooses the supplier's:
`inventory.services.sending`), with the reader's numbers and dates. Where the fonts cannot
show that language's own headings (Chinese without a CJK font), the document is in English,
so that no heading turns into `MARK`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from accounts.formatting import format_day, format_number
from accounts.models import Merchant
from inventory.models import PurchaseOrder, PurchaseOrderLine

FONT_FAMILY = "DejaVu"
FONT_FILES = {
    "": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ),
    "B": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    ),
}
# Chinese, Japanese and Korean glyphs, where the system has such a font (Debian's
# fonts-droid-fallback); used for the characters DejaVu lacks.
FALLBACK_FAMILY = "Fallback"
FALLBACK_FILES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
)
CORE_FAMILY = "Helvetica"
# Latin letters that do not decompose into a base letter and an accent.
FOLDS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "\u0131": "i", "Ħ": "H",
    "ħ": "h",
}  # fmt: skip
MARK = "[?]"
NOTE = gettext_noop(
    "%(mark)s stands for characters this document's fonts cannot show; the SKU code "
    "identifies the product."
)
# The language the document falls back to where its fonts cannot show the active one.
FALLBACK_LANGUAGE = "en"


def _first_existing(paths: Iterable[str]) -> str | None:
    return next((path for path in paths if Path(path).is_file()), None)


@lru_cache(maxsize=8)
def _characters(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


class _Fonts:
    """The fonts this system offers, and whether they can show a character."""

    def __init__(self):
        self.files = {style: _first_existing(paths) for style, paths in FONT_FILES.items()}
        self.fallback = _first_existing(FALLBACK_FILES)
        self.unicode = self.files[""] is not None
        covered: set[int] = set()
        if self.unicode:
            covered |= _characters(self.files[""])
            if self.fallback:
                covered |= _characters(self.fallback)
        self.covered = frozenset(covered)

    def can_show(self, character: str) -> bool:
        if self.unicode:
            return ord(character) in self.covered
        try:
            character.encode("latin-1")
        except UnicodeEncodeError:
            return False
        return True

    def install(self, pdf: FPDF) -> str:
        if not self.unicode:
            return CORE_FAMILY
        for style, path in self.files.items():
            pdf.add_font(FONT_FAMILY, style, path or self.files[""])
        if self.fallback:
            pdf.add_font(FALLBACK_FAMILY, "", self.fallback)
            pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
        return FONT_FAMILY


def printable(text: str, can_show: Callable[[str], bool]) -> tuple[str, bool]:
    """``text`` as the fonts can set it, and whether anything had to be marked: a character
    they lack becomes its base letter if they have that, else a run of them becomes one
    `MARK`."""
    shown: list[str] = []
    marked = False
    for character in unicodedata.normalize("NFC", " ".join(str(text).split())):
        if can_show(character):
            shown.append(character)
            continue
        base = FOLDS.get(character) or "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.combining(part)
        )
        if base and base != character and all(can_show(part) for part in base):
            shown.append(base)
            continue
        marked = True
        if not shown or shown[-1] != MARK:
            shown.append(MARK)
    return "".join(shown), marked


def _quantity(value: Decimal) -> str:
    return format_number(value, decimals=0 if value == value.to_integral() else 3)


def _money(value: Decimal | None) -> str:
    return "" if value is None else format_number(value, decimals=2)


def _headings() -> tuple[str, ...]:
    return (
        gettext("SKU"),
        gettext("Supplier code"),
        gettext("Product"),
        gettext("Quantity"),
        gettext("Unit cost"),
        gettext("Line total"),
    )


def _language(fonts: _Fonts) -> str:
    """The active language if the fonts can show its headings, else `FALLBACK_LANGUAGE`."""
    language = translation.get_language() or FALLBACK_LANGUAGE
    words = "".join([gettext("Purchase order %(number)s"), *_headings()])
    return language if all(fonts.can_show(character) for character in words) else FALLBACK_LANGUAGE


def purchase_order_pdf(
    *,
    merchant: Merchant,
    order: PurchaseOrder,
    lines: list[PurchaseOrderLine],
    supplier_codes: dict[int, str] | None = None,
    compress: bool = True,
) -> bytes:
    """The order's PDF. ``lines`` come with their SKUs; ``supplier_codes`` maps SKU ids to
    the supplier's own codes. The title in the document's metadata names the order."""
    fonts = _Fonts()
    with translation.override(_language(fonts)):
        return _document(merchant, order, lines, supplier_codes, compress, fonts)


def _document(
    merchant: Merchant,
    order: PurchaseOrder,
    lines: list[PurchaseOrderLine],
    supplier_codes: dict[int, str] | None,
    compress: bool,
    fonts: _Fonts,
) -> bytes:
    marked = False

    def text(value) -> str:
        nonlocal marked
        shown, was_marked = printable("" if value is None else value, fonts.can_show)
        marked |= was_marked
        return shown

    currency = order.currency or merchant.currency
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    title = gettext("Purchase order %(number)s") % {"number": order.number}
    pdf.set_title(title)
    pdf.set_author(merchant.name)
    pdf.set_subject(
        gettext("Purchase order %(number)s to %(supplier)s")
        % {"number": order.number, "supplier": order.supplier.name}
    )
    pdf.set_creator("Shelfcast")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    family = fonts.install(pdf)
    pdf.add_page()

    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, text(merchant.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 13)
    pdf.cell(0, 8, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    details = [
        (gettext("Order date"), format_day(order.order_date)),
        (
            gettext("Expected delivery"),
            format_day(order.expected_arrival) if order.expected_arrival else gettext("as agreed"),
        ),
        (gettext("Supplier"), f"{order.supplier.name} ({order.supplier.code})"),
        (gettext("Supplier email"), order.email_to or order.supplier.email or "-"),
        (gettext("Deliver to"), f"{order.location.name} ({order.location.code})"),
        (gettext("Currency"), currency),
    ]
    for label, value in details:
        pdf.set_font(family, "B", 10)
        pdf.cell(40, 6, text(label))
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 6, text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    codes = supplier_codes or {}
    total = Decimal("0")
    pdf.set_font(family, "", 9)
    headings = _headings()
    with pdf.table(
        col_widths=(28, 26, 62, 20, 21, 23),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=5.5,
        width=180,
    ) as table:
        row = table.row()
        for heading in headings:
            row.cell(heading)
        for line in lines:
            cost = line.cost
            total += cost or Decimal("0")
            row = table.row()
            row.cell(text(line.sku.code))
            row.cell(text(codes.get(line.sku_id, "")))
            row.cell(text(line.sku.name))
            row.cell(_quantity(line.quantity_ordered))
            row.cell(_money(line.unit_cost))
            row.cell(_money(cost))
    pdf.ln(3)
    pdf.set_font(family, "B", 11)
    pdf.cell(
        0,
        7,
        text(
            gettext("Total %(currency)s %(amount)s")
            % {"currency": currency, "amount": _money(total)}
        ),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    units = sum((line.quantity_ordered for line in lines), Decimal("0"))
    pdf.set_font(family, "", 9)
    pdf.cell(
        0,
        6,
        text(
            ngettext(
                "%(count)s line, %(units)s units", "%(count)s lines, %(units)s units", len(lines)
            )
            % {"count": len(lines), "units": _quantity(units)}
        ),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if marked:
        pdf.ln(3)
        pdf.set_font(family, "", 8)
        pdf.multi_cell(0, 4.5, text(gettext(NOTE) % {"mark": MARK}), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
