"""The PPTX writer: a briefing laid out as 16:9 PowerPoint slides with python-pptx.

PowerPoint sets the text in the viewer's fonts, and nothing here can measure them; heights
are estimated (:func:`text_height_in`) on the generous side, so a long list runs over to a
new slide rather than off the bottom of one.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import NamedTuple

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from kzatlas.briefing.content import Briefing
from kzatlas.briefing.layout import Pack, column_widths, image_size, prepare, source_line
from kzatlas.briefing.text import clean_text, pack_link, shorten, shown_url

# Arial is everywhere and covers Kazakh Cyrillic.
PPTX_FONT = "Arial"
PPTX_ROWS_PER_SLIDE = 10
# PowerPoint's document properties (title, subject, keywords) hold at most 255 characters.
PPTX_PROPERTY_CHARS = 255

# Slide geometry in inches: PowerPoint's own 16:9 size (12,192,000 by 6,858,000 EMU).
SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 40 / 3, 7.5
SLIDE_MARGIN_IN = 0.5
BODY_TOP_IN, BODY_HEIGHT_IN = 1.3, 5.8
FULL_WIDTH_IN = SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN
TABLE_HEADER_IN = 0.45
# The key numbers shrink through these sizes until they fit beside the map.
NUMBER_SIZES = (14, 12, 11, 10, 9, 8)

GREY, BLUE = RGBColor(0x55, 0x55, 0x55), RGBColor(0x00, 0x50, 0xA0)


class Line(NamedTuple):
    """One paragraph of a text box: its text, size in points, weight, colour and link."""

    text: str
    size: float
    bold: bool = False
    colour: RGBColor | None = None
    link: str = ""


def pptx_bytes(briefing: Briefing, map_png: bytes | None, qr_png: bytes | None, story_png: bytes | None = None) -> bytes:
    """Lay a briefing out as 16:9 PowerPoint slides.

    Slides: the title (title, subtitle, date, data version); the map with the key numbers;
    the items as tables; the sources with the dates they were read; the notes; and a last
    slide with the QR code, the link and the UN disclaimer. Tables, sources and notes run
    over as many slides as they need (at most ``PPTX_ROWS_PER_SLIDE`` table rows each).
    Text is set in Arial, which covers Kazakh and Russian Cyrillic.

    Parameters
    ----------
    briefing : Briefing
        What the pack says; any text in it is cleaned before it is laid out.
    map_png : bytes or None
        The second slide's picture (from ``static_map_png``); the numbers take the whole
        slide when ``None``.
    qr_png : bytes or None
        The last slide's QR code (from ``qr_png``); left out when ``None``.
    story_png : bytes or None
        The network through time (from ``time_strip_png``), on a slide of its own after the
        map; left out when ``None``.

    Returns
    -------
    bytes
        The PPTX document.
    """
    pack = prepare(briefing)
    deck = _Deck(pack)
    _title_slide(deck, pack)
    _map_slide(deck, pack, map_png)
    if story_png:
        _story_slide(deck, pack, story_png)
    _item_slides(deck, pack)
    _source_slides(deck, pack)
    if pack.notes:
        deck.paged_text(pack.label("notes"), [[Line(f"• {note}", 12)] for note in pack.notes], FULL_WIDTH_IN)
    _link_slide(deck, pack, qr_png)
    return deck.to_bytes()


def text_height_in(text: str, width_in: float, size_pt: float) -> float:
    """Rough height of wrapped ``text`` in a PPTX box (no font metrics at hand).

    Assumes an average glyph of 0.55 em, generous for Arial in Latin and Cyrillic, so
    an estimate errs on the side of a new slide rather than text running off one.

    Parameters
    ----------
    text : str
        Paragraphs separated by newlines; an empty paragraph still takes a line.
    width_in : float
        Width of the box in inches.
    size_pt : float
        Font size in points; lines are 1.2 times as tall.

    Returns
    -------
    float
        Height in inches.
    """
    per_line = max(int(width_in * 72 / (0.55 * size_pt)), 1)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return lines * size_pt * 1.2 / 72


def paginate(heights: Sequence[float], room: float, most: int | None = None) -> list[tuple[int, int]]:
    """Split consecutive blocks of ``heights`` into pages that fit ``room``.

    Blocks keep their order and are never split; a block taller than ``room`` gets a page
    of its own.

    Parameters
    ----------
    heights : sequence of float
        Height of each block.
    room : float
        Height available on a page.
    most : int, optional
        Most blocks on one page.

    Returns
    -------
    list of (int, int)
        ``(start, stop)`` indices of each page's blocks; one empty page when there are none.
    """
    pages, start, used = [], 0, 0.0
    for index, height in enumerate(heights):
        full = used + height > room or (most is not None and index - start >= most)
        if index > start and full:
            pages.append((start, index))
            start, used = index, 0.0
        used += height
    if start < len(heights) or not pages:
        pages.append((start, len(heights)))
    return pages


def _style(run, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = PPTX_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


class _Deck:
    """A 16:9 presentation with the pack's properties, and the few kinds of shape every slide uses."""

    def __init__(self, pack: Pack) -> None:
        brief = pack.brief
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = Emu(12_192_000), Emu(6_858_000)
        properties = self.presentation.core_properties
        properties.title = shorten(brief.title, PPTX_PROPERTY_CHARS)
        properties.subject = shorten(brief.subtitle, PPTX_PROPERTY_CHARS)
        properties.keywords = shorten(f"{pack.label('data_version')} {brief.data_version}", PPTX_PROPERTY_CHARS)
        # A real title placeholder: outline view and screen readers see it.
        self.title_only = self.presentation.slide_layouts[5]

    def slide(self, title: str, page: int = 1, pages: int = 1, top_in=0.35, height_in=0.9, size=24):
        """A new slide with ``title`` (and ``(page/pages)`` when a list runs over several)."""
        slide = self.presentation.slides.add_slide(self.title_only)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(SLIDE_MARGIN_IN), Inches(top_in)
        shape.width, shape.height = Inches(FULL_WIDTH_IN), Inches(height_in)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = title + (f" ({page}/{pages})" if pages > 1 else "")
        frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        for run in frame.paragraphs[0].runs:
            _style(run, size, bold=True)
        return slide

    @staticmethod
    def text_box(slide, left_in: float, top_in: float, width_in: float, height_in: float, lines: list[Line]) -> None:
        """A wrapping text box with one paragraph per line; only http(s) links become clickable."""
        frame = slide.shapes.add_textbox(
            Inches(left_in), Inches(top_in), Inches(width_in), Inches(height_in)
        ).text_frame
        frame.word_wrap = True
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line.text
            _style(run, line.size, line.bold, line.colour)
            if pack_link(line.link):
                run.hyperlink.address = pack_link(line.link)

    @staticmethod
    def picture(slide, png: bytes, width_in: float, height_in: float, name: str) -> None:
        """``png`` at the top left of the slide's body."""
        picture = slide.shapes.add_picture(
            io.BytesIO(png), Inches(SLIDE_MARGIN_IN), Inches(BODY_TOP_IN), Inches(width_in), Inches(height_in)
        )
        picture.name = name

    def paged_text(self, title: str, blocks: list[list[Line]], width_in: float) -> None:
        """Blocks of lines (each kept together) over as many slides as they need."""
        heights = [sum(text_height_in(line.text, width_in, line.size) + 0.05 for line in block) for block in blocks]
        pages = paginate(heights, BODY_HEIGHT_IN)
        for page, (start, stop) in enumerate(pages, start=1):
            slide = self.slide(title, page, len(pages))
            lines = [line for block in blocks[start:stop] for line in block]
            self.text_box(slide, SLIDE_MARGIN_IN, BODY_TOP_IN, width_in, BODY_HEIGHT_IN, lines)

    def to_bytes(self) -> bytes:
        """The saved PPTX file."""
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


def _title_slide(deck: _Deck, pack: Pack) -> None:
    slide = deck.slide(pack.title, top_in=2.0, height_in=1.6, size=34)
    if pack.title != pack.brief.title:  # the whole name, for the presenter
        slide.notes_slide.notes_text_frame.text = pack.brief.title
    lines = [Line(pack.brief.subtitle, 20, colour=GREY), Line(pack.stamp, 14, colour=GREY)]
    deck.text_box(slide, SLIDE_MARGIN_IN, 3.7, FULL_WIDTH_IN, 1.4, lines)


def _map_slide(deck: _Deck, pack: Pack, map_png: bytes | None) -> None:
    """The map at the left and the key numbers beside it, in the largest size that fits."""
    slide = deck.slide(pack.label("map"))
    numbers_left_in = SLIDE_MARGIN_IN
    if map_png:
        pixels_w, pixels_h = image_size(map_png)
        width_in = min(8.4, BODY_HEIGHT_IN * pixels_w / pixels_h)
        deck.picture(slide, map_png, width_in, width_in * pixels_h / pixels_w, "Map")
        numbers_left_in += width_in + 0.3
    numbers_width_in = SLIDE_WIDTH_IN - SLIDE_MARGIN_IN - numbers_left_in
    numbers, notes = pack.brief.numbers, pack.brief.share_notes
    size = _numbers_size(numbers, numbers_width_in, notes)
    lines: list[Line] = []
    for label, value in numbers:
        lines += [Line(label, size - 2, colour=GREY), Line(value or "—", size, bold=True)]
    # Each share with its explanation on the same slide.
    lines += [Line(note, _note_size(size), colour=GREY) for note in notes]
    deck.text_box(slide, numbers_left_in, BODY_TOP_IN, numbers_width_in, BODY_HEIGHT_IN, lines)


def _story_slide(deck: _Deck, pack: Pack, story_png: bytes) -> None:
    """The network through time across the slide, with what it shows under it."""
    slide = deck.slide(pack.label("story"))
    pixels_w, pixels_h = image_size(story_png)
    note_in = 0.6
    width_in = min(FULL_WIDTH_IN, (BODY_HEIGHT_IN - note_in) * pixels_w / pixels_h)
    height_in = width_in * pixels_h / pixels_w
    deck.picture(slide, story_png, width_in, height_in, pack.label("story"))
    deck.text_box(
        slide, SLIDE_MARGIN_IN, BODY_TOP_IN + height_in + 0.05, FULL_WIDTH_IN, note_in,
        [Line(pack.label("story_note"), 9, colour=GREY)],
    )


def _note_size(size: int) -> int:
    """The size of the shares' notes beside numbers of ``size`` points."""
    return max(size - 6, 7)


def _numbers_size(numbers: list[tuple[str, str]], width_in: float, notes: list[str] = ()) -> int:
    """The largest of ``NUMBER_SIZES`` (values; labels 2 pt smaller) that fits the body, else the smallest."""
    for size in NUMBER_SIZES:
        needed = sum(
            text_height_in(label, width_in, size - 2) + text_height_in(value or "—", width_in, size)
            for label, value in numbers
        ) + sum(text_height_in(note, width_in, _note_size(size)) for note in notes)
        if needed <= BODY_HEIGHT_IN:
            break
    return size


def _item_slides(deck: _Deck, pack: Pack) -> None:
    """The items as tables, split so each slide's rows fit."""
    columns, records = pack.columns, pack.brief.items.to_dict("records")
    widths_in = column_widths(columns, FULL_WIDTH_IN)
    sizes = {column: 8 if column == "source" else 10 for column in columns}
    # Cell text is inset 0.1 in on each side and 0.05 in above and below.
    row_heights = [
        max(
            [
                text_height_in(clean_text(record.get(column)), width - 0.2, sizes[column])
                for column, width in zip(columns, widths_in)
            ]
            or [0.2]
        )
        + 0.12
        for record in records
    ]
    pages = paginate(row_heights, BODY_HEIGHT_IN - TABLE_HEADER_IN, PPTX_ROWS_PER_SLIDE) if records else []
    for page, (start, stop) in enumerate(pages, start=1):
        slide = deck.slide(pack.label("items"), page, len(pages))
        if not columns:
            continue
        shape = slide.shapes.add_table(
            stop - start + 1, len(columns), Inches(SLIDE_MARGIN_IN), Inches(BODY_TOP_IN), Inches(FULL_WIDTH_IN),
            Inches(TABLE_HEADER_IN),
        )  # fmt: skip
        shape.name = "Items"
        table = shape.table
        for index, width in enumerate(widths_in):
            table.columns[index].width = Inches(width)
        _table_header(table, [pack.brief.headers.get(column, column) for column in columns])
        for row_index, (record, height) in enumerate(zip(records[start:stop], row_heights[start:stop]), start=1):
            table.rows[row_index].height = Inches(height)
            link = pack_link(record.get("url"))
            cells = [
                (clean_text(record.get(column)), sizes[column], link if column == "source" else "")
                for column in columns
            ]
            _table_row(table, row_index, cells)


def _table_header(table, headers: list[str]) -> None:
    table.rows[0].height = Inches(TABLE_HEADER_IN)
    for col_index, header in enumerate(headers):
        frame = table.cell(0, col_index).text_frame
        frame.text = header
        for run in frame.paragraphs[0].runs:
            _style(run, 11, bold=True)


def _table_row(table, row_index: int, cells: list[tuple[str, float, str]]) -> None:
    """One item's cells, each (text, size, link); a cell with a link is clickable."""
    for col_index, (text, size, link) in enumerate(cells):
        frame = table.cell(row_index, col_index).text_frame
        frame.word_wrap = True
        run = frame.paragraphs[0].add_run()
        run.text = text
        _style(run, size)
        if link:
            run.hyperlink.address = link


def _source_slides(deck: _Deck, pack: Pack) -> None:
    """Each source with the date it was read, and its address (a link when it is http or https)."""
    if not pack.brief.sources:
        return
    accessed = pack.label("accessed")
    blocks = []
    for title, url, when in pack.brief.sources:
        block = [Line(source_line(title, when, accessed), 11)]
        if url:
            block.append(Line(shown_url(url), 9, colour=BLUE if pack_link(url) else GREY, link=url))
        blocks.append(block)
    deck.paged_text(pack.label("sources"), blocks, FULL_WIDTH_IN)


def _link_slide(deck: _Deck, pack: Pack, qr_png: bytes | None) -> None:
    """The way back to the app (QR code and link), the stamp and the disclaimer."""
    brief = pack.brief
    slide = deck.slide(pack.label("link"))
    text_left_in = SLIDE_MARGIN_IN
    if qr_png:
        deck.picture(slide, qr_png, 3.2, 3.2, "QR code")
        text_left_in += 3.6
    lines = [Line(brief.link, 14, colour=BLUE, link=brief.link) if brief.link else Line(pack.label("no_link"), 12, colour=GREY)]
    lines += [Line(pack.stamp, 12, colour=GREY), Line("", 8), Line(brief.disclaimer, 12, bold=True, colour=GREY)]
    width_in = SLIDE_WIDTH_IN - SLIDE_MARGIN_IN - text_left_in
    deck.text_box(slide, text_left_in, BODY_TOP_IN, width_in, BODY_HEIGHT_IN, lines)
