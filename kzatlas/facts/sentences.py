"""Figures and sourced sentences: the pieces a statement of facts is told in.

A :class:`Figure` is a labelled number; a :class:`Sentence` is translated text whose
placeholders a renderer fills, citing a :class:`Source` as a link or as text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kzatlas.i18n import citation_label


@dataclass(frozen=True)
class Source:
    """Where a figure comes from (only sources with an address are cited)."""

    title: str
    publisher: str
    url: str
    accessed: str = ""

    @property
    def label(self) -> str:
        """How a sentence names the source: its publisher, else its title, else its address."""
        return self.publisher or self.title or self.url

    @property
    def heading(self) -> str:
        """How a list of sources names it: its title, else its publisher, else its address."""
        return self.title or self.publisher or self.url

    @classmethod
    def from_record(cls, record: Mapping | None, translate: Callable[[str], str] | None = None) -> Source | None:
        """The ``source`` of a ``targets.json`` record, or ``None`` when it gives no address.

        With ``translate``, the publisher is named in its language where the data gives that
        form (``publisher_ru``); the title stays as published.
        """
        source = (record or {}).get("source") or {}
        if not source.get("url"):
            return None
        publisher = citation_label(source, "publisher", translate) if translate else str(source.get("publisher") or "")
        return cls(
            title=str(source.get("title") or ""),
            publisher=publisher,
            url=str(source["url"]),
            accessed=str(source.get("accessed") or ""),
        )


@dataclass(frozen=True)
class Figure:
    """One key number, shown as a label beside its value.

    Attributes
    ----------
    label : str
        What the number is, already translated.
    value : str
        The number formatted for the language (with its unit where it has one).
    """

    label: str
    value: str


@dataclass(frozen=True)
class Sentence:
    """A translated sentence whose ``{placeholders}`` are filled by the renderer.

    ``template`` is our own translated text (it may carry light Markdown such as ``**bold**``);
    ``values`` are filled in as they are (numbers arrive formatted for the language as text,
    and every text value is escaped by a Markdown renderer); ``{source}`` takes the cited source, as a link or as text.
    """

    template: str
    values: Mapping[str, object] = field(default_factory=dict)
    source: Source | None = None

    def render(self, text: Callable[[str], str], cite: Callable[[Source], str]) -> str:
        """Fill the sentence: ``text`` turns each text value into the medium, ``cite`` the source."""
        values = {key: text(value) if isinstance(value, str) else value for key, value in self.values.items()}
        return self.template.format(**values, source=cite(self.source) if self.source else "")

    def plain(self) -> str:
        """The sentence as plain text (no Markdown emphasis), naming its source by its label."""
        return Sentence(self.template.replace("**", ""), self.values, self.source).render(
            str, lambda source: source.label
        )
