"""What the PDF and the PPTX writers lay out alike.

The cleaned texts, the title as shown, the date stamp, the items' columns and widths, and
the source lines.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PIL import Image

from kzatlas.briefing.content import Briefing
from kzatlas.briefing.text import clean_text, shorten

# Longest title shown on the title slide or page 1 (about three lines); a longer name is
# shortened there and given whole in the notes.
TITLE_CHARS = 100
# Relative column widths (PDF and PPTX); a long name or URL needs the room.
ITEM_WEIGHTS = {"name": 28, "kind": 16, "area": 11, "year": 6, "shape": 13, "distance": 10, "source": 26}


@dataclass(frozen=True)
class Pack:
    """A briefing made ready to lay out.

    Attributes
    ----------
    brief : Briefing
        Every text cleaned (a hand-made Briefing may hold anything).
    title : str
        The title as shown on page 1 or the title slide (shortened to ``TITLE_CHARS``).
    notes : list of str
        The notes, led by the full title when the shown one was cut.
    stamp : str
        The date and data version line.
    columns : list of str
        The item columns to show (the link column is not one).
    """

    brief: Briefing
    title: str
    notes: list[str]
    stamp: str
    columns: list[str]

    @property
    def labels(self) -> dict[str, str]:
        """The layout's translated headings."""
        return self.brief.labels

    def label(self, key: str) -> str:
        """One heading, ``""`` when the briefing has none."""
        return self.brief.labels.get(key, "")


def prepare(briefing: Briefing) -> Pack:
    """Clean ``briefing`` and work out what both writers show the same way.

    Parameters
    ----------
    briefing : Briefing
        From :func:`build_briefing`, or made by hand.

    Returns
    -------
    Pack
    """
    brief = cleaned(briefing)
    labels = brief.labels
    title = shorten(brief.title, TITLE_CHARS)
    notes = brief.notes
    if title != brief.title:
        notes = [f"{labels.get('full_name', '')}: {brief.title}", *brief.notes]
    stamp = f"{labels.get('date', '')}: {brief.made_on}    ·    {labels.get('data_version', '')}: {brief.data_version}"
    columns = [column for column in brief.items.columns if column != "url"]
    return Pack(brief, title, notes, stamp, columns)


def cleaned(brief: Briefing) -> Briefing:
    """A copy of ``brief`` whose every text is safe to lay out.

    Parameters
    ----------
    brief : Briefing
        Any briefing; cells may hold None, NaN or control characters.

    Returns
    -------
    Briefing
        Every text through :func:`clean_text`; empty notes dropped.
    """
    items = brief.items.copy()
    for column in items.columns:
        items[column] = [clean_text(value) for value in items[column]]
    return replace(
        brief,
        title=clean_text(brief.title),
        subtitle=clean_text(brief.subtitle),
        numbers=[(clean_text(label), clean_text(value)) for label, value in brief.numbers],
        items=items,
        sources=[(clean_text(t), clean_text(u), clean_text(a)) for t, u, a in brief.sources],
        notes=[clean_text(note) for note in brief.notes if clean_text(note)],
        link=clean_text(brief.link),
        share_notes=[clean_text(note) for note in brief.share_notes if clean_text(note)],
        data_version=clean_text(brief.data_version),
        made_on=clean_text(brief.made_on),
        disclaimer=clean_text(brief.disclaimer),
        headers={key: clean_text(value) for key, value in brief.headers.items()},
        labels={key: clean_text(value) for key, value in brief.labels.items()},
    )


def column_widths(columns: Sequence[str], total: float) -> list[float]:
    """Share ``total`` among ``columns`` by their ``ITEM_WEIGHTS`` (10 for an unknown column).

    Parameters
    ----------
    columns : sequence of str
        Item column keys.
    total : float
        The table's width, in any unit.

    Returns
    -------
    list of float
        One width per column, summing to ``total``.
    """
    weights = [ITEM_WEIGHTS.get(column, 10) for column in columns]
    return [total * weight / sum(weights) for weight in weights]


def source_line(title: str, accessed: str, accessed_label: str) -> str:
    """A source's title with the date it was read, when there is one.

    Parameters
    ----------
    title : str
        The source's title.
    accessed : str
        When it was read; may be empty.
    accessed_label : str
        The translated word for "Accessed".

    Returns
    -------
    str
    """
    return title + (f" ({accessed_label}: {accessed})" if accessed else "")


def image_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG in pixels.

    Parameters
    ----------
    png : bytes
        Image data.

    Returns
    -------
    tuple of int
        ``(width, height)``.
    """
    with Image.open(io.BytesIO(png)) as image:
        return image.size
