"""Presenting: keeping views as scenes, editing the scene list, and playing it full-screen."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kzatlas import scenes, selection, tables
from kzatlas.analysis import Filters
from kzatlas.i18n import Translate
from kzatlas.safety import escape_html, escape_markdown, markdown_link, plain_snippet
from kzatlas.ui import bridge, state, upload_guard
from kzatlas.ui.frame import PageContext
from kzatlas.ui.live_map import render_scene_map
from kzatlas.ui.table_display import link_column, show_table

# The map's height before it has grown to the bottom of the window (see map.screen_fit.FillWindow).
PLAYER_MAP_HEIGHT_PX = 560
# Where the scene list is kept in the browser (localStorage), so it survives a reload.
SCENES_STORAGE_KEY = "kz-atlas-scenes"

# Full screen: no sidebar, header or page padding below the map; the caption and the controls
# scale with the screen (a caption of about 40 px on a 1280 px projector, 72 px on a 4K screen).
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {padding: 0.75rem 1.5rem 0 1.5rem; max-width: 100%;}
[data-testid="stMain"] {overflow: hidden;}
.kz-caption {font-size: clamp(2.1rem, 2.2vw + 0.8rem, 4.5rem); line-height: 1.2; font-weight: 600;
  margin: 0.1rem 0 0.3rem;}
.kz-counter {font-size: clamp(1.1rem, 0.9vw + 0.6rem, 2.2rem); color: #555;}
[data-testid="stMain"] .stButton button, [data-testid="stMain"] .stButton button p,
[data-testid="stMain"] .stMarkdown a {font-size: clamp(0.875rem, 0.55vw + 0.3rem, 2rem);}
[data-testid="stMain"] .stButton button {min-height: clamp(2.5rem, 2.4vw, 5rem); padding: 0.2em 0.9em;}
</style>
"""


def restore_saved_deck(page: str, allowed: selection.Allowed) -> None:
    """Take the scene list kept in this browser, once per session, when the page helper has read it.

    A list that no longer passes the allowlists (or is not there) leaves the shipped list.
    """
    if state.deck_restored():
        return
    stored = bridge.reported(page).get("stored")
    if not isinstance(stored, str):
        return
    state.set_deck_restored()
    if not stored:
        return
    try:
        deck, _warnings = scenes.parse_deck(stored.encode("utf-8"), allowed)
    except scenes.DeckError:
        return
    state.set_deck(deck)


def waiting_for_saved_deck() -> bool:
    """True while a browser is connected and a scene list it may keep has not been read yet."""
    return not state.deck_restored() and st.context.url is not None


def keep_deck_in_browser(page: str, allowed: selection.Allowed, **helper) -> None:
    """Draw the page helper: it hands over a kept scene list once, then keeps the list up to date.

    The helper reports a kept list only when there is one, so a browser without one costs no
    extra run; it writes nothing over a kept list that the page has not taken yet.
    """
    deck = state.deck()
    write = None
    if deck is not None:
        write = scenes.deck_to_json(deck, allowed.year_bounds).decode("utf-8")
    bridge.show_bridge(
        page,
        storage_key=SCENES_STORAGE_KEY,
        storage_read=not state.deck_restored(),
        storage_report_empty=bool(st.session_state.get(f"{page}.waiting_for_deck")),
        storage_write=write,
        **helper,
    )


def current_deck(context: PageContext, allowed: selection.Allowed) -> scenes.Deck:
    """The session's scene list, starting from the one that ships with the atlas."""
    deck = state.deck()
    if deck is None:
        try:
            deck = scenes.load_default_deck(allowed)
        except (OSError, scenes.DeckError):
            deck = scenes.Deck(title=context.translate("Presentation"))
        state.set_deck(deck)
    return deck


def add_scene_control(
    page: str, context: PageContext, allowed: selection.Allowed, filters: Filters, selected_id: str | None
) -> None:
    """On the map explorer: keep the current view (filters, selection, map view) as a scene."""
    translate = context.translate
    with st.expander(translate("Presentation: keep this view as a scene")):
        caption = st.text_input(
            translate("Caption (one line)"), key=f"{page}.scene_caption", max_chars=scenes.MAX_CAPTION_CHARS
        )
        if st.button(translate("Add this view as a scene"), key=f"{page}.add_scene"):
            view, _notices = selection.parse_view(state.params())
            kept = scenes.capped_view(view)
            # The time line's year, as the browser put it into the address (a story scene).
            year, _notices = selection.parse_time(state.params())
            scene = scenes.Scene(caption=caption.strip(), filters=filters, selected=selected_id, view=kept, year=year)
            try:
                deck = current_deck(context, allowed).with_scene(scene)
            except scenes.DeckError as exc:
                st.error(translate("The scene was not added: {reason}").format(reason=escape_markdown(exc)))
                return
            state.set_deck(deck)
            st.success(
                translate("Added as scene {number}. Open Present to play or save the scene list.").format(
                    number=len(deck.scenes)
                )
            )
            if kept != view:
                st.info(
                    translate(
                        "The scene shows this place at zoom {zoom}, the closest the offline basemap is drawn for."
                    ).format(zoom=f"{kept.zoom:g}")
                )


def playing() -> bool:
    """Whether the address asks to play a scene (checked before the page is drawn)."""
    return selection.PARAM_SCENE in state.params()


def scene_number(deck: scenes.Deck) -> int | None:
    """The 1-based scene the address asks to play, or ``None`` when not playing (allowlisted).

    A number past the end of the list is left in the address while the scene list kept in the
    browser is still being read (it may be longer).
    """
    number, notices = selection.parse_scene(state.params(), len(deck.scenes))
    st.session_state["present.waiting_for_deck"] = bool(notices) and waiting_for_saved_deck()
    if st.session_state["present.waiting_for_deck"]:
        return None
    if notices:
        state.add_notices(notices)
        state.write_params({}, (selection.PARAM_SCENE,))
    return number


def go_to_scene(number: int | None) -> None:
    """Play scene ``number`` (``None`` stops presenting), through the page address."""
    state.write_params(selection.scene_to_params(number), (selection.PARAM_SCENE,))


def _caption_html(text: str, number: int, total: int, translate: Translate) -> str:
    """The scene counter and caption in large type, both escaped."""
    counter = translate("Scene {number} of {total}").format(number=number, total=total)
    # One line: a blank line would end the HTML block and let Markdown run on the rest.
    return (
        f'<div class="kz-counter">{escape_html(counter)}</div>'
        f'<div class="kz-caption">{escape_html(" ".join(translate(text).split()))}</div>'
    )


def _step_button(column, label: str, key: str, shortcut: str, target: int | None, disabled: bool = False) -> None:
    """A player control that moves to scene ``target`` (``None``: stop) and redraws the page."""
    if column.button(label, key=key, shortcut=shortcut, disabled=disabled):
        go_to_scene(target)
        st.rerun()


def scene_player(page: str, context: PageContext, allowed: selection.Allowed, deck: scenes.Deck, number: int) -> None:
    """Play one scene full-screen: controls on top (arrow keys too), big caption, then the map."""
    translate = context.translate
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    scene = deck.scenes[number - 1]
    total = len(deck.scenes)
    previous, following, leave, link = st.columns([1, 1, 1, 3])
    _step_button(previous, translate("◀ Previous"), f"{page}.previous", "Left", number - 1, disabled=number == 1)
    _step_button(following, translate("Next ▶"), f"{page}.next", "Right", number + 1, disabled=number == total)
    _step_button(leave, translate("Stop presenting"), f"{page}.stop", "Esc", None)
    link.markdown(
        markdown_link(translate("Open this scene in the map explorer"), scene.explorer_url(allowed.year_bounds))
    )
    st.markdown(_caption_html(scene.caption, number, total, translate), unsafe_allow_html=True)
    render_scene_map(page, context, scene, number, context.filtered(scene.filters), height=PLAYER_MAP_HEIGHT_PX)


def _show_opened_messages(page: str) -> None:
    """Messages about a scene list opened in the previous run (warnings first, then the count)."""
    *warnings, opened = st.session_state.pop(f"{page}.opened_messages", None) or [None]
    for warning in warnings:
        st.warning(warning)
    if opened:
        st.success(opened)


def _deck_button(column, label: str, key: str, change: Callable[[], scenes.Deck]) -> None:
    """A scene list control: when clicked, replace the session's list with ``change()`` and redraw."""
    if column.button(label, key=key):
        state.set_deck(change())
        st.rerun()


def _scene_list(page: str, allowed: selection.Allowed, deck: scenes.Deck, translate: Translate) -> None:
    """The scenes with links to play or open each, start, and reorder or delete one."""
    urls = [scene.explorer_url(allowed.year_bounds) for scene in deck.scenes]
    show_table(
        tables.scene_table([translate(scene.caption) for scene in deck.scenes], urls, translate),
        {
            translate("Present from here"): link_column(display_text=translate("play")),
            translate("In the map explorer"): link_column(display_text=translate("open")),
        },
    )
    if st.button(translate("Start presenting"), type="primary", key=f"{page}.start"):
        go_to_scene(1)
        st.rerun()
    chosen, up, down, delete = st.columns([2, 1, 1, 1])
    index = chosen.selectbox(
        translate("Scene"),
        range(len(deck.scenes)),
        format_func=lambda i: f"{i + 1}. {translate(deck.scenes[i].caption)[:50]}",
        key=f"{page}.chosen",
    )
    _deck_button(up, translate("Move up"), f"{page}.up", lambda: deck.moved(index, -1))
    _deck_button(down, translate("Move down"), f"{page}.down", lambda: deck.moved(index, 1))
    _deck_button(delete, translate("Delete"), f"{page}.delete", lambda: deck.without(index))


def _open_scene_file(page: str, allowed: selection.Allowed, translate: Translate) -> None:
    """Open a saved scene list; a bad file is refused with the reason and the current list kept."""
    upload = st.file_uploader(
        translate("Open a saved scene list"),
        type=["json"],
        key=f"{page}.upload",
        # Megabytes, the smallest the uploader takes (the reader stops at 200 kB); the server refuses more.
        max_upload_size=upload_guard.offer_upload(1),
        help=translate("A scene list saved from this page: a JSON file of at most {size} kB.").format(
            size=scenes.MAX_DECK_BYTES // 1000
        ),
    )
    if upload is None or st.session_state.get(f"{page}.opened") == upload.file_id:
        return
    st.session_state[f"{page}.opened"] = upload.file_id
    try:
        opened, warnings = scenes.parse_deck(upload.getvalue(), allowed)
    except scenes.DeckError as exc:
        st.error(
            translate("This file could not be opened; the current scenes are kept: {reason}").format(
                reason=escape_markdown(exc)
            )
        )
        return
    state.set_deck(opened)
    # Draw the page again so the table, chooser and Save show the opened list; the
    # messages are kept for that run.
    st.session_state[f"{page}.opened_messages"] = [
        *(escape_markdown(plain_snippet(warning, 80)) for warning in warnings),
        translate("Opened {count} scenes.").format(count=len(opened.scenes)),
    ]
    st.rerun()


def scene_editor(page: str, context: PageContext, allowed: selection.Allowed, deck: scenes.Deck) -> None:
    """Build the scene list: reorder, delete, save as a file, open a file, start presenting."""
    translate = context.translate
    _show_opened_messages(page)
    st.markdown(
        translate(
            "A scene is a map view with its filters, highlighted feature, the year of its time line and a one-line "
            "caption. Add scenes from the map explorer (Presentation: keep this view as a scene), then play them "
            "here full-screen; the arrow keys step through them."
        )
    )
    if not deck.scenes:
        st.info(translate("The scene list is empty. Add a scene from the map explorer or open a saved list."))
    else:
        _scene_list(page, allowed, deck, translate)
    save, reset, story = st.columns(3)
    save.download_button(
        translate("Save the scene list"),
        scenes.deck_to_json(deck, allowed.year_bounds),
        "atlas-scenes.json",
        "application/json",
        key=f"{page}.save",
        on_click="ignore",
        disabled=not deck.scenes,
    )
    if reset.button(translate("Back to the scene list that ships with the atlas"), key=f"{page}.reset"):
        state.set_deck(scenes.load_default_deck(allowed))
        st.rerun()
    if story.button(translate("The story of the network, 1926 to today"), key=f"{page}.story"):
        state.set_deck(scenes.load_story_deck(allowed))
        st.rerun()
    _open_scene_file(page, allowed, translate)
