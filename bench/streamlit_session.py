"""A client session that speaks Streamlit's websocket protocol: open a page, change a widget, time the rerun."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import websockets

# Only Streamlit's message definitions (protobuf), to speak its wire protocol as a client.
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: TID251

# Widgets whose value the frontend keeps and sends back on every rerun, and how it encodes them.
# Buttons (triggers) and custom components (st_folium's value comes from Leaflet) are left out:
# a browser sends them only when a user clicks.
KEPT_WIDGETS = ("text_input", "text_area", "multiselect", "selectbox", "radio", "checkbox", "slider")



class LoadError(Exception):
    """A rerun that did not finish cleanly; ``kind`` groups them in the report."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass
class Widget:
    """One widget as the last run drew it."""

    kind: str
    id: str
    label: str
    options: tuple[str, ...]


@dataclass
class RunResult:
    """What one rerun sent back."""

    seconds: float
    widgets: list[Widget]
    metrics: dict[str, str]
    deltas: int
    received_bytes: int


def _initial_state(kind: str, element) -> WidgetState | None:
    """The value the frontend would hold for a widget it has just drawn (``None``: it holds none)."""
    state = WidgetState(id=element.id)
    if kind in ("text_input", "text_area"):
        if element.set_value:
            state.string_value = element.value
        elif element.HasField("default"):
            state.string_value = element.default
        else:
            return None
    elif kind == "multiselect":
        values = list(element.raw_values) if element.set_value else [element.options[i] for i in element.default]
        state.string_array_value.data.extend(values)
    elif kind in ("selectbox", "radio"):
        if element.set_value:
            state.string_value = element.raw_value
        elif element.HasField("default") and element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    elif kind == "slider":
        state.double_array_value.data.extend(element.value if element.set_value else element.default)
    return state


class Session:
    """One user's websocket session: pages are asked for, widgets changed, reruns timed."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        split = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.stream_url = (
            f"{'wss' if split.scheme == 'https' else 'ws'}://{split.netloc}{split.path.rstrip('/')}/_stcore/stream"
        )
        self.timeout_s = timeout_s
        self.websocket = None
        self.states: dict[str, WidgetState] = {}
        self.query_string = ""
        self.page = ""
        self.widgets: list[Widget] = []

    async def connect(self) -> None:
        try:
            self.websocket = await asyncio.wait_for(
                websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None, ping_interval=None),
                self.timeout_s,
            )
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            raise LoadError("connect", repr(exc)) from exc

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()

    def widget(self, kind: str, label: str) -> Widget:
        for widget in self.widgets:
            if widget.kind == kind and widget.label == label:
                return widget
        raise LoadError("missing widget", f"{kind} {label!r} on page {self.page or 'map_explorer'}")

    async def open_page(self, page: str) -> RunResult:
        """Ask for ``page`` (a URL path such as ``protected_areas``; ``""`` is the home page)."""
        if page != self.page:
            self.page, self.query_string = page, ""
        return await self._rerun()

    async def change(self, widget: Widget, value: list[str] | str) -> RunResult:
        """Set ``widget`` to ``value`` (a list for a multiselect, a string for a selectbox) and rerun."""
        state = WidgetState(id=widget.id)
        if isinstance(value, list):
            state.string_array_value.data.extend(value)
        else:
            state.string_value = value
        self.states[widget.id] = state
        return await self._rerun()

    async def _rerun(self) -> RunResult:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query_string
        client.page_name = self.page
        client.context_info.timezone = "Asia/Almaty"
        client.context_info.locale = "en-US"
        client.context_info.url = f"{self.base_url}/{self.page}" + (
            f"?{self.query_string}" if self.query_string else ""
        )
        client.widget_states.SetInParent()
        client.widget_states.widgets.extend(self.states.values())
        started = time.perf_counter()
        try:
            await self.websocket.send(message.SerializeToString())
            return await asyncio.wait_for(self._read_until_finished(started), self.timeout_s)
        except TimeoutError as exc:
            raise LoadError("timeout", f"no script_finished within {self.timeout_s:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise LoadError("disconnected", repr(exc)) from exc

    async def _read_until_finished(self, started: float) -> RunResult:
        widgets, metrics, drawn = [], {}, {}
        deltas = received = 0
        while True:
            raw = await self.websocket.recv()
            received += len(raw)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                if message.delta.WhichOneof("type") != "new_element":
                    continue
                element = message.delta.new_element
                element_kind = element.WhichOneof("type")
                if element_kind == "exception":
                    raise LoadError("exception", f"{element.exception.type}: {element.exception.message[:200]}")
                if element_kind == "metric":
                    metrics[element.metric.label] = element.metric.body
                elif element_kind in KEPT_WIDGETS:
                    widget_proto = getattr(element, element_kind)
                    options = tuple(getattr(widget_proto, "options", ()))
                    widgets.append(Widget(element_kind, widget_proto.id, widget_proto.label, options))
                    drawn[widget_proto.id] = (element_kind, widget_proto)
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "page_not_found":
                raise LoadError("page not found", self.page)
            elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
                raise LoadError("exception", message.session_event.script_compilation_exception.message[:200])
            elif kind == "script_finished":
                status = message.script_finished
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise LoadError("unfinished", ForwardMsg.ScriptFinishedStatus.Name(status))
                seconds = time.perf_counter() - started
                self._keep_states(drawn)
                self.widgets = widgets
                return RunResult(seconds, widgets, metrics, deltas, received)

    def _keep_states(self, drawn: dict) -> None:
        """Hold a value for every widget drawn in this run, as the frontend does; forget the rest."""
        kept = {}
        for widget_id, (kind, element) in drawn.items():
            if widget_id in self.states and not getattr(element, "set_value", False):
                kept[widget_id] = self.states[widget_id]
            else:
                state = _initial_state(kind, element)
                if state is not None:
                    kept[widget_id] = state
        self.states = kept
