"""What the simulated users do: open the map explorer and change its filters, or walk the pages for a soak."""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

from streamlit_session import LoadError, RunResult, Session

# Only Streamlit's message definitions (protobuf), to speak its wire protocol as a client.

MATCHING_LABEL = "Matching features"  # the figure that shows a filter took effect


@dataclass
class Sample:
    """One timed rerun."""

    session: int
    step: str
    seconds: float
    matching: str | None
    filters: str


@dataclass
class Tally:
    """Everything the sessions measured, shared between them."""

    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    reruns_done: dict[int, int] = field(default_factory=dict)
    received_bytes: int = 0

    def record(self, session: int, step: str, result: RunResult, filters: str = "") -> None:
        self.samples.append(Sample(session, step, result.seconds, result.metrics.get(MATCHING_LABEL), filters))
        self.reruns_done[session] = self.reruns_done.get(session, 0) + 1
        self.received_bytes += result.received_bytes

    def fail(self, error: LoadError) -> None:
        self.errors[error.kind] = self.errors.get(error.kind, 0) + 1
        if len(self.error_examples) < 10:
            self.error_examples.append(str(error))


def _filter_value(index: int, options: tuple[str, ...], step: int) -> list[str]:
    """Every third change of a widget clears it; the others pick one option, different per session."""
    if (step // 2) % 3 == 2 or not options:
        return []
    return [options[(index * 7 + step) % len(options)]]


async def load_session(
    index: int, base_url: str, changes: int, think_s: float, deadline: float, tally: Tally, timeout_s: float
) -> None:
    """Open the map explorer, then change Kind and Region in turn ``changes`` times."""
    session = Session(base_url, timeout_s)
    rng = random.Random(index)
    try:
        await session.connect()
        tally.record(index, "open", await session.open_page(""))
        chosen = {"Kind": [], "Region": []}
        for step in range(changes):
            if time.monotonic() + think_s > deadline:
                raise LoadError("deadline", f"session {index} stopped after {step} of {changes} changes")
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            label = ("Kind", "Region")[step % 2]
            widget = session.widget("multiselect", label)
            chosen[label] = _filter_value(index, widget.options, step)
            result = await session.change(widget, chosen[label])
            tally.record(index, "filter", result, json.dumps(chosen, sort_keys=True, ensure_ascii=False))
    except LoadError as error:
        tally.fail(error)
    finally:
        await session.close()


# One soak round: each entry is a page and what to change there (widget kind and label), if anything.
SOAK_ROUND = (
    ("", ("multiselect", "Kind")),
    ("", ("multiselect", "Region")),
    ("protected_areas", None),
    ("region_profile", ("selectbox", "Region")),
    ("projects", ("multiselect", "Theme")),
    ("about_data", None),
)


async def soak_session(index: int, base_url: str, reruns: int, deadline: float, tally: Tally, timeout_s: float) -> None:
    """``reruns`` reruns across the pages of :data:`SOAK_ROUND`, opening each page then changing its widget."""
    session = Session(base_url, timeout_s)
    done = 0
    try:
        await session.connect()
        step = 0
        while done < reruns:
            page, target = SOAK_ROUND[step % len(SOAK_ROUND)]
            if time.monotonic() > deadline:
                raise LoadError("deadline", f"session {index} stopped after {done} of {reruns} reruns")
            if session.page != page or target is None or not session.widgets:
                tally.record(index, f"open {page or 'map_explorer'}", await session.open_page(page))
                done += 1
            if target is not None and done < reruns:
                widget = session.widget(*target)
                if target[0] == "selectbox":
                    value = widget.options[(index + step) % len(widget.options)]
                else:
                    value = _filter_value(index, widget.options, step)
                tally.record(index, f"change {page or 'map_explorer'}", await session.change(widget, value))
                done += 1
            step += 1
    except LoadError as error:
        tally.fail(error)
    finally:
        await session.close()
