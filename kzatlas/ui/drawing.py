"""Draw a new feature, or a new shape for an existing one, on the map and save it.

The editing page calls :func:`draw_and_edit` for a signed-in editor. What is drawn is read
from the map, checked and turned into a record by :mod:`kzatlas.edit.drawn_records`; saving is one
store change (action ``draw``) with who, the comment and the source. An existing feature's
shape can be opened on the drawing layer and edited in place (its vertices moved, its marker
dragged); what comes back is checked and saved exactly like a shape drawn anew.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas import selection
from kzatlas.config import DEFAULT_LANGUAGE, KIND_UNDP_SITE, LANGUAGES
from kzatlas.edit import drawn_records, guarded_writes
from kzatlas.edit.accounts import Editor
from kzatlas.formats import format_hectares, format_number
from kzatlas.i18n import N_, QUALITY_LABELS, THEME_LABELS, kind_label, name_column, name_label, theme_label
from kzatlas.ingest.messages import exception_text, sentence
from kzatlas.map.browser_code import open_for_editing_group
from kzatlas.safety import escape_markdown
from kzatlas.store import Store, StoreError
from kzatlas.ui import live_map, state
from kzatlas.ui.frame import PageContext
from kzatlas.ui.signed_in import directory

PAGE = "draw"
MODE_NEW = "new"
MODE_CHANGE = "change"
MODE_LABELS = {MODE_NEW: N_("A new feature"), MODE_CHANGE: N_("A new shape for an existing feature")}
MAX_COMMENT_CHARS = 500
NAME_CHARS = 200
SOURCE_CHARS = 500


def _key(name: str) -> str:
    # Form keys change with each saved drawing, so the next drawing starts with an empty form.
    return f"{PAGE}.{state.draw_round(PAGE)}.{name}"


def _problem(translate, exc: Exception) -> str:
    return translate("Not ready to save: {reason}").format(reason=escape_markdown(exception_text(exc, translate)))


def _new_fields(translate) -> drawn_records.NewFeatureFields:
    name_en = st.text_input(translate("Name (English, required)"), key=_key("name_en"), max_chars=NAME_CHARS)
    others = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
    other_names = tuple(
        (name_column(code), place.text_input(translate(name_label(code)), key=_key(name_column(code)), max_chars=NAME_CHARS))
        for code, place in zip(others, st.columns(max(len(others), 1)))
    )
    left, middle, right = st.columns([2, 2, 1])
    kind = left.selectbox(
        translate("Kind"),
        drawn_records.DRAWABLE_KINDS,
        index=drawn_records.DRAWABLE_KINDS.index(KIND_UNDP_SITE),
        format_func=lambda value: kind_label(value, translate),
        key=_key("kind"),
    )
    themes = middle.multiselect(
        translate("Themes"), list(THEME_LABELS), format_func=lambda value: theme_label(value, translate), key=_key("themes")
    )
    year = right.number_input(
        translate("Year"), min_value=1800, max_value=2100, value=None, step=1, key=_key("year"), placeholder="YYYY"
    )
    return drawn_records.NewFeatureFields(
        name_en=name_en, kind=kind, themes=tuple(themes), year=year, other_names=other_names
    )


def _source_fields(translate) -> drawn_records.DrawSource:
    st.markdown(translate("**Where the shape comes from** (required: an address or a title, and its date)"))
    left, middle, right = st.columns([3, 3, 2])
    url = left.text_input(translate("Source web address"), key=_key("source_url"), max_chars=SOURCE_CHARS)
    title = middle.text_input(
        translate("Source title (e.g. the decree and its map)"), key=_key("source_title"), max_chars=SOURCE_CHARS
    )
    date = right.date_input(translate("Source date"), value=None, key=_key("source_date"), format="YYYY-MM-DD")
    return drawn_records.DrawSource(url=url, title=title, date=date.isoformat() if date else "")


def _preview(drawn: drawn_records.DrawnRecord, translate, region_names: dict[str, str]) -> None:
    record = drawn.record
    quality = record["geometry_quality"]
    lines = [
        f"**{escape_markdown(record['name_en'])}** ({escape_markdown(kind_label(record['kind'], translate))})",
        translate("Shape quality: {quality}").format(
            quality=escape_markdown(translate(QUALITY_LABELS.get(quality, quality)))
        ),
    ]
    if quality != drawn_records.QUALITY_POINT and drawn.drawn_area_ha is not None:
        lines.append(
            translate("Area drawn: {drawn}; official area: {official}").format(
                drawn=escape_markdown(format_hectares(drawn.drawn_area_ha, translate)),
                official=escape_markdown(format_hectares(drawn.official_area_ha, translate)),
            )
        )
        difference = drawn_records.difference_percent(drawn.drawn_area_ha, drawn.official_area_ha)
        if difference is not None:
            lines.append(
                translate("The drawn area differs from the official one by {pct} %").format(
                    pct=format_number(difference, translate, 1)
                )
            )
    codes = [code for code in str(record.get("region_codes") or "").split(";") if code]
    if codes:
        names = ", ".join(region_names.get(code, code) for code in codes)
        lines.append(translate("Regions: {names}").format(names=escape_markdown(names)))
    st.markdown("  \n".join(lines))
    for note in drawn.notes:
        st.warning(escape_markdown(sentence(note, translate)))


def _drawn_record(context: PageContext, mode: str, existing_id: str | None, returned: dict, quality: str | None = None):
    """The record to save, or ``None`` with the reason shown."""
    translate = context.translate
    # One slot whether or not there is a message, so the fields below keep their place (a field
    # that moves is drawn anew in the browser, and what was being typed into it would be lost).
    notice = st.empty()
    try:
        shape = drawn_records.parse_drawing(returned.get("all_drawings"), returned.get("last_active_drawing"))
    except drawn_records.DrawingError as exc:
        notice.info(escape_markdown(exception_text(exc, translate)))
        shape = None
    fields = _new_fields(translate) if mode == MODE_NEW else None
    source = _source_fields(translate)
    if shape is None:
        return None
    regions = drawn_records.region_index(context.catalogue.layers.get("regions"))
    try:
        if mode == MODE_NEW:
            return drawn_records.new_feature_record(shape, fields, source, regions, feature_id=_new_id())
        features = context.all_features()
        rows = features[features["id"] == existing_id]
        if rows.empty:
            raise drawn_records.DrawingError(drawn_records.CHOOSE_FEATURE)
        return drawn_records.changed_feature_record(shape, rows.iloc[0].to_dict(), source, regions, quality=quality)
    except drawn_records.DrawingError as exc:
        st.info(_problem(translate, exc))
        return None


def _open_controls(context: PageContext, features, existing_id: str) -> tuple[str, list]:
    """The button that opens the feature's shape for editing, and the quality the editor states.

    Returns the stated quality and the map layer that opens the shape (once per press).
    """
    translate = context.translate
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    opened_key = _key("opened")
    if left.button(translate("Open its shape for editing"), key=_key("open")):
        previous = st.session_state.get(opened_key) or {}
        st.session_state[opened_key] = {"id": existing_id, "count": int(previous.get("count", 0)) + 1}
    qualities = {value: translate(QUALITY_LABELS[value]) for value in drawn_records.STATED_QUALITIES}
    quality = right.selectbox(
        translate("Quality of the boundary you save"),
        list(qualities),
        format_func=qualities.get,
        key=_key("quality"),
        help=translate("A marker is saved as a point location."),
    )
    opened = st.session_state.get(opened_key) or {}
    if opened.get("id") != existing_id:
        return quality, []
    rows = features[features["id"] == existing_id]
    parts, simplified = drawn_records.editable_features(rows.iloc[0].geometry if not rows.empty else None)
    if not parts:
        st.info(translate("This feature has no shape on the map to edit; draw one."))
        return quality, []
    st.caption(
        translate(
            "Its shape is on the drawing layer. Press the pencil, drag the white squares (the corners) or the "
            "marker, then press \"Save\" next to the pencil."
        )
    )
    if simplified:
        st.warning(
            translate("The boundary has too many points to edit; it was simplified to at most {limit} points.").format(
                limit=format_number(drawn_records.EDIT_MAX_VERTICES, translate)
            )
        )
    nonce = f"{PAGE}-{state.draw_round(PAGE)}-{existing_id}-{opened['count']}"
    return quality, [open_for_editing_group(nonce, parts)]


def _new_id() -> str:
    # One id per drawing round, so reruns while filling in the form keep the same id.
    key = _key("feature_id")
    if key not in st.session_state:
        st.session_state[key] = drawn_records.new_feature_id()
    return st.session_state[key]


def _existing_feature(context: PageContext, features, mode: str) -> tuple[str | None, str | None, list]:
    """For a new shape of an existing feature: the feature, the stated quality and the layer that opens it."""
    if mode != MODE_CHANGE:
        return None, None, []
    translate = context.translate
    choices = dict(drawn_records.feature_choices(features, context.name_column))
    # The feature selected on the map, when there is one, is the first choice.
    selected = st.query_params.get(selection.PARAM_SELECTED)
    existing_id = st.selectbox(
        translate("Feature"),
        list(choices),
        index=list(choices).index(selected) if selected in choices else None,
        format_func=lambda value: choices.get(value, value),
        placeholder=translate("Choose the feature whose shape you draw"),
        key=_key("feature"),
    )
    if not existing_id:
        return None, None, []
    quality, extra_groups = _open_controls(context, features, existing_id)
    return existing_id, quality, extra_groups


def draw_and_edit(context: PageContext, editor: Editor | None, store: Store) -> None:
    """Draw and save a feature's shape: the map, the form, a preview and Save.

    Parameters
    ----------
    context : PageContext
        From ``page_setup``.
    editor : Editor or None
        The signed-in editor; the write checks again that they still are one.
    store : Store
        Where the change is saved (one version, action ``draw``).
    """
    translate = context.translate
    saved = state.take_draw_saved(PAGE)
    # The map keeps one place among the elements above it, whatever they show: elements that
    # come and go live in containers (a map frame that moves is reloaded by the browser, and
    # the reloaded frame is no longer linked to the page: it stays collapsed).
    with st.container():
        if saved:
            st.success(saved)
    if context.store_problem:
        st.warning(translate("Nothing can be saved while the data store is unreachable."))
        return
    features = context.all_features()
    mode_labels = {value: translate(label) for value, label in MODE_LABELS.items()}
    mode = st.radio(
        translate("What are you drawing?"), list(mode_labels), format_func=mode_labels.get, horizontal=True, key=f"{PAGE}.mode"
    )
    with st.container():
        existing_id, quality, extra_groups = _existing_feature(context, features, mode)
    st.caption(
        translate(
            "Use the tools at the top left of the map: the pentagon draws a boundary (click each corner, then the "
            "first one to close it), the square a rectangle, the pin a point. The pencil edits what you drew and "
            "the bin deletes it. Several boundaries are saved as one shape."
        )
    )
    returned = live_map.render_edit_map(PAGE, context, features, existing_id, extra_groups=extra_groups)
    drawn = _drawn_record(context, mode, existing_id, returned, quality)
    comment = st.text_input(
        translate("Comment (required): why this change"), key=_key("comment"), max_chars=MAX_COMMENT_CHARS
    )
    if drawn is not None:
        st.subheader(translate("What will be saved"))
        _preview(drawn, translate, context.region_names())
    ready = drawn is not None and bool(comment.strip())
    if st.button(translate("Save"), type="primary", disabled=not ready, key=_key("save")):
        try:
            change = guarded_writes.save_drawing(store, drawn.record, editor, directory(), comment=comment)
        except StoreError as exc:
            st.error(translate("Nothing was saved: {reason}").format(reason=escape_markdown(exception_text(exc, translate))))
            return
        except SQLAlchemyError as exc:
            st.error(
                translate("Nothing was saved: the data store cannot be written ({kind}).").format(kind=type(exc).__name__)
            )
            return
        state.set_draw_saved(
            PAGE,
            translate("Saved as version {version}: {name}.").format(
                version=change.version, name=escape_markdown(drawn.record["name_en"])
            ),
        )
        state.next_draw_round(PAGE)
        st.rerun()
