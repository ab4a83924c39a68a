"""The PDF writer: a briefing laid out as an A4 landscape document with fpdf2.

Text is set in DejaVu Sans, which matplotlib ships and which covers Kazakh and Russian
Cyrillic (ә ғ қ ң ө ұ ү һ і), so the PDF needs no system font and no download.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kzatlas.briefing.content import Briefing
from kzatlas.briefing.layout import Pack, column_widths, image_size, prepare, source_line
from kzatlas.briefing.text import clean_text, pack_link, shown_url

PDF_FONT = "DejaVu"
# Item table: font size, line height and cell padding (mm).
TABLE_FONT_SIZE, TABLE_LINE_MM, TABLE_PADDING_MM = 7.5, 3.5, 1.0
# Side of the QR code on the last page (mm).
QR_SIZE_MM = 34.0

Colour = tuple[int, int, int]
Cell = tuple[str, str]  # (text, link)


def pdf_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None, story_png: bytes | None = None) -> bytes:
    """Lay a briefing out as an A4 landscape PDF.

    Page 1 holds the title, subtitle, date, data version, the map and the key numbers; the
    following pages hold the items table, the sources (with links), the notes, the UN
    disclaimer and the QR code with the link. Every page's footer repeats the disclaimer.
    Text is set in DejaVu Sans (shipped with matplotlib), which covers Kazakh and Russian.

    Parameters
    ----------
    briefing : Briefing
        What the pack says; any text in it is cleaned before it is laid out.
    map_png : bytes or None
        The map for page 1 (from ``static_map_png``), beside the key numbers; none when ``None``.
    qr_png : bytes or None
        The QR code (from ``qr_png``) placed with the link on the last page; none when ``None``.
    story_png : bytes or None
        The network through time (from ``time_strip_png``), on a page of its own after the
        first; none when ``None``.

    Returns
    -------
    bytes
        The PDF document, fonts embedded (DejaVu subsets).
    """
    pack = prepare(briefing)
    pdf = _new_document(pack)
    pdf.add_page()
    _title_block(pdf, pack)
    _map_and_numbers(pdf, pack, map_png)
    if story_png:
        pdf.add_page()
        _story_page(pdf, pack, story_png)
    pdf.add_page()
    _items_section(pdf, pack)
    _sources_section(pdf, pack)
    _notes_section(pdf, pack)
    _text(pdf, pack.brief.disclaimer, 9, bold=True, colour=(40, 40, 40))
    pdf.ln(4)
    _link_block(pdf, pack, qr_png)
    return bytes(pdf.output())


class _BriefingPDF(FPDF):
    """A4 landscape pages whose footer carries the UN disclaimer and the page number."""

    def __init__(self, footer_text: str) -> None:
        # Wrapping measures the same words and URL characters again and again; fpdf2
        # re-parses each string every time, which dominated the time of a country pack.
        self._widths: dict[tuple, float] = {}
        self.footer_text = footer_text
        super().__init__(orientation="L", unit="mm", format="A4")

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        """Width of ``s`` in the current font, measured once per font and string."""
        if normalized or markdown:
            return super().get_string_width(s, normalized, markdown)
        key = (self.font_family, self.font_style, self.font_size_pt, s)
        if key not in self._widths:
            self._widths[key] = super().get_string_width(s)
        return self._widths[key]

    def footer(self) -> None:
        """The disclaimer and ``page / pages``: any page may be shown alone, not only the map's."""
        self.set_font(PDF_FONT, size=7)
        self.set_text_color(110, 110, 110)
        lines = wrap_text(self, self.footer_text, self.epw - 24)
        self.set_xy(self.l_margin, self.h - 7 - 3.2 * len(lines))
        for line in lines:
            self.cell(self.epw - 24, 3.2, line, new_x="LEFT", new_y="NEXT")
        self.set_xy(self.w - self.r_margin - 22, self.h - 10.2)
        self.cell(22, 3.2, f"{self.page_no()} / {{nb}}", align="R")


def _font_paths() -> tuple[Path, Path]:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _new_document(pack: Pack) -> _BriefingPDF:
    """An empty document with the fonts, margins and properties (title, subject, version)."""
    regular, bold = _font_paths()
    pdf = _BriefingPDF(pack.brief.disclaimer)
    pdf.add_font(PDF_FONT, "", str(regular))
    pdf.add_font(PDF_FONT, "B", str(bold))
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(pack.brief.title)
    pdf.set_subject(pack.brief.subtitle)
    pdf.set_creator(pack.label("atlas"))
    pdf.set_keywords(f"{pack.label('data_version')} {pack.brief.data_version}")
    return pdf


def wrap_text(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap of ``text`` in the PDF's current font; tokens wider than ``width`` are split.

    fpdf2's own ``multi_cell`` re-measures the whole line for every character, which took
    seconds for a country pack full of long URLs; this measures each word once.

    Parameters
    ----------
    pdf : FPDF
        Anything with ``get_string_width(text)``, measured in the units of ``width``.
    text : str
        Paragraphs separated by newlines; words by single spaces.
    width : float
        Room on a line.

    Returns
    -------
    list of str
        The lines; each paragraph gives at least one (an empty paragraph an empty line).
    """
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0.0
        for word in paragraph.split(" "):
            word_width = pdf.get_string_width(word)
            if word_width > width:
                # A URL or another long token: break it where it reaches the edge.
                if line:
                    lines.append(line)
                line, line_width = "", 0.0
                for character in word:
                    character_width = pdf.get_string_width(character)
                    if line and line_width + character_width > width:
                        lines.append(line)
                        line, line_width = "", 0.0
                    line += character
                    line_width += character_width
                continue
            wider = word_width if not line else line_width + space + word_width
            if line and wider > width:
                lines.append(line)
                line, line_width = word, word_width
            else:
                line, line_width = (f"{line} {word}" if line else word), wider
        lines.append(line)
    return lines


def _write(pdf: FPDF, text: str, width: float, line_height: float, link: str = "") -> None:
    """Write wrapped ``text`` from the current position down; pages break between lines."""
    left = pdf.get_x()
    for line in wrap_text(pdf, text, width):
        if pdf.get_y() + line_height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_x(left)
        pdf.cell(width, line_height, line, link=link or "", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _text(
    pdf: FPDF, value: str, size: float, bold: bool = False, colour: Colour = (30, 30, 30), link: str = "", indent=0.0
) -> None:
    """A paragraph across the page (less ``indent``), in ``size`` points; line height follows the size."""
    pdf.set_font(PDF_FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    _write(pdf, value, pdf.epw - indent, size * 0.45, link)


def _styled(pdf: FPDF, size: float, bold: bool, colour: Colour) -> None:
    pdf.set_font(PDF_FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)


def _title_block(pdf: FPDF, pack: Pack) -> None:
    _text(pdf, pack.title, 20, bold=True, colour=(10, 10, 10))
    pdf.ln(1)
    _text(pdf, pack.brief.subtitle, 12, colour=(70, 70, 70))
    _text(pdf, pack.stamp, 9, colour=(90, 90, 90))


# Height kept under the page-1 map for the shares' explanation, mm.
SHARE_NOTES_MM = 24.0


def _map_and_numbers(pdf: FPDF, pack: Pack, map_png: bytes | None) -> None:
    """The map at the left, as large as the page allows, and the key numbers in the column beside it."""
    top = pdf.get_y() + 3
    map_width = map_height = 0.0
    if map_png:
        pixels_w, pixels_h = image_size(map_png)
        # Room is kept under the map for the notes that explain the shares beside it.
        room = SHARE_NOTES_MM if pack.brief.share_notes else 0.0
        map_width = min(192.0, (pdf.page_break_trigger - top - room) * pixels_w / pixels_h)
        map_height = map_width * pixels_h / pixels_w
        pdf.image(io.BytesIO(map_png), x=pdf.l_margin, y=top, w=map_width, alt_text=pack.title)
    column_x = pdf.l_margin + (map_width + 7 if map_width else 0)
    column_width = pdf.w - pdf.r_margin - column_x
    pdf.set_xy(column_x, top)
    _styled(pdf, 12, True, (20, 20, 20))
    _write(pdf, pack.label("numbers"), column_width, 6)
    for label, value in pack.brief.numbers:
        pdf.set_xy(column_x, pdf.get_y() + 1.2)
        _styled(pdf, 8, False, (95, 95, 95))
        _write(pdf, label, column_width, 3.8)
        _styled(pdf, 10.5, True, (15, 15, 15))
        _write(pdf, value or "—", column_width, 5)
    if pack.brief.share_notes:
        # Each share with its explanation on the same page: under the map, or under the numbers.
        notes_x, notes_width = (pdf.l_margin, map_width) if map_width else (column_x, column_width)
        pdf.set_xy(notes_x, top + map_height + 2 if map_width else pdf.get_y() + 2)
        _styled(pdf, 7.5, False, (70, 70, 70))
        for note in pack.brief.share_notes:
            _write(pdf, note, notes_width, 3.3)
            pdf.set_x(notes_x)


def _story_page(pdf: FPDF, pack: Pack, story_png: bytes) -> None:
    """The network through time: the strip and the curve across the page, with what they show."""
    _styled(pdf, 12, True, (20, 20, 20))
    _write(pdf, pack.label("story"), pdf.epw, 6)
    top = pdf.get_y() + 2
    pixels_w, pixels_h = image_size(story_png)
    room = 16.0  # the note under the picture
    width = min(pdf.epw, (pdf.page_break_trigger - top - room) * pixels_w / pixels_h)
    pdf.image(io.BytesIO(story_png), x=pdf.l_margin, y=top, w=width, alt_text=pack.label("story"))
    pdf.set_xy(pdf.l_margin, top + width * pixels_h / pixels_w + 2)
    _styled(pdf, 7.5, False, (70, 70, 70))
    _write(pdf, pack.label("story_note"), pdf.epw, 3.3)


def _items_section(pdf: FPDF, pack: Pack) -> None:
    _text(pdf, pack.label("items"), 13, bold=True)
    pdf.ln(1.5)
    items, columns = pack.brief.items, pack.columns
    if columns and not items.empty:
        rows = [
            [
                (clean_text(record.get(column)), pack_link(record.get("url")) if column == "source" else "")
                for column in columns
            ]
            for record in items.to_dict("records")
        ]
        headers = [pack.brief.headers.get(column, column) for column in columns]
        _Table(pdf, headers, column_widths(columns, pdf.epw)).draw(rows)
    pdf.ln(5)


def _sources_section(pdf: FPDF, pack: Pack) -> None:
    if not pack.brief.sources:
        return
    _text(pdf, pack.label("sources"), 12, bold=True)
    pdf.ln(1)
    accessed = pack.label("accessed")
    for number, (title, url, when) in enumerate(pack.brief.sources, start=1):
        _text(pdf, f"{number}. " + source_line(title, when, accessed), 8)
        if url:
            link = pack_link(url)
            _text(pdf, shown_url(url), 7.5, colour=(0, 80, 160) if link else (70, 70, 70), link=link, indent=4)
        pdf.ln(0.8)
    pdf.ln(3)


def _notes_section(pdf: FPDF, pack: Pack) -> None:
    if not pack.notes:
        return
    _text(pdf, pack.label("notes"), 12, bold=True)
    pdf.ln(1)
    for note in pack.notes:
        _text(pdf, f"• {note}", 8.5)
        pdf.ln(0.8)
    pdf.ln(3)


def _link_block(pdf: FPDF, pack: Pack, qr_png: bytes | None) -> None:
    """The QR code with the link and the stamp beside it, kept in one piece (a new page if need be)."""
    if pdf.get_y() + QR_SIZE_MM > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    text_x = pdf.l_margin
    link = pack.brief.link
    if qr_png:
        pdf.image(io.BytesIO(qr_png), x=pdf.l_margin, y=top, w=QR_SIZE_MM, link=pack_link(link))
        text_x += QR_SIZE_MM + 6
    text_width = pdf.w - pdf.r_margin - text_x
    pdf.set_xy(text_x, top + 2)
    _styled(pdf, 10, True, (20, 20, 20))
    _write(pdf, pack.label("link"), text_width, 5)
    if link:
        _styled(pdf, 8.5, False, (0, 80, 160))
        _write(pdf, link, text_width, 4.2, pack_link(link))
    else:
        _styled(pdf, 8.5, False, (70, 70, 70))
        _write(pdf, pack.label("no_link"), text_width, 4.2)
    _styled(pdf, 8.5, False, (70, 70, 70))
    _write(pdf, pack.stamp, text_width, 4.2)


class _Table:
    """A wrapped, paginated table; each cell is (text, link). The header repeats on every page."""

    def __init__(self, pdf: FPDF, headers: list[str], widths: list[float]) -> None:
        self.pdf, self.widths = pdf, widths
        self.heading: list[Cell] = [(text, "") for text in headers]

    def draw(self, rows: list[list[Cell]]) -> None:
        """The header, then each row; a row that does not fit starts a new page under a new header."""
        self._row(self.heading, header=True)
        for cells in rows:
            self._row(cells, header=False)

    def _row(self, cells: list[Cell], header: bool) -> None:
        pdf, padding = self.pdf, TABLE_PADDING_MM
        pdf.set_font(PDF_FONT, "B" if header else "", TABLE_FONT_SIZE)
        wrapped = [wrap_text(pdf, text, width - 2 * padding) for (text, _), width in zip(cells, self.widths)]
        height = max(len(lines) for lines in wrapped) * TABLE_LINE_MM + 2 * padding
        if not header and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            self._row(self.heading, header=True)
            pdf.set_font(PDF_FONT, "", TABLE_FONT_SIZE)
        self._cells(wrapped, [link for _, link in cells], height, shaded=header)

    def _cells(self, wrapped: list[list[str]], links: list[str], height: float, shaded: bool) -> None:
        pdf, padding, total = self.pdf, TABLE_PADDING_MM, sum(self.widths)
        top, x = pdf.get_y(), pdf.l_margin
        if shaded:
            pdf.set_fill_color(228, 234, 238)
            pdf.rect(x, top, total, height, style="F")
        for lines, width, link in zip(wrapped, self.widths, links):
            pdf.set_text_color(*((0, 80, 160) if link else (20, 20, 20)))
            for index, line in enumerate(lines):
                pdf.set_xy(x + padding, top + padding + index * TABLE_LINE_MM)
                pdf.cell(width - 2 * padding, TABLE_LINE_MM, line, link=link or "")
            x += width
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + total, top + height)
        pdf.set_xy(pdf.l_margin, top + height)
