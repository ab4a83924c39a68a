"""Where names go on the pack's map: most important first, none over another.

The choice is pure geometry on boxes (pixels, any origin), so it is tested without drawing:
the map measures each name's text, offers one or more boxes for it in order of preference,
and keeps the first box that stays inside the picture and clear of every box already kept.
A name with no such box is left out; the map stays readable instead of complete.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1), x0 <= x1 and y0 <= y1


def overlaps(first: Box, second: Box) -> bool:
    """Whether two boxes share any area (touching edges do not count).

    Parameters
    ----------
    first, second : tuple of float
        ``(x0, y0, x1, y1)``.

    Returns
    -------
    bool
    """
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def inside(box: Box, bounds: Box) -> bool:
    """Whether ``box`` lies wholly within ``bounds``."""
    return bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]


def place_labels(
    candidates: Sequence[Sequence[Box]],
    bounds: Box | None = None,
    taken: Sequence[Box] = (),
    limit: int | None = None,
) -> list[tuple[int, Box]]:
    """Choose which names to show, and where, without any two overlapping.

    Candidates are taken in the order given (the caller puts what matters most first, e.g.
    larger areas before smaller ones). Each offers its boxes in order of preference; the
    first box inside ``bounds`` that overlaps neither ``taken`` nor a box chosen earlier
    wins. A candidate with no such box is skipped.

    Parameters
    ----------
    candidates : sequence of sequences of boxes
        For each name, the boxes it may take, preferred first.
    bounds : tuple of float, optional
        The area every chosen box must stay within; anywhere when omitted.
    taken : sequence of boxes
        Space already used (names placed before, a legend...): never overlapped.
    limit : int, optional
        Stop after this many names are placed.

    Returns
    -------
    list of (int, tuple)
        ``(index into candidates, chosen box)``, in placement order.
    """
    used = list(taken)
    chosen: list[tuple[int, Box]] = []
    for index, boxes in enumerate(candidates):
        if limit is not None and len(chosen) >= limit:
            break
        for box in boxes:
            if bounds is not None and not inside(box, bounds):
                continue
            if any(overlaps(box, other) for other in used):
                continue
            used.append(box)
            chosen.append((index, box))
            break
    return chosen
