"""The store's history for everyone, and undo for signed-in editors."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas import store
from kzatlas.edit import guarded_writes
from kzatlas.i18n import Translate
from kzatlas.ingest.messages import exception_text
from kzatlas.safety import escape_markdown, plain_snippet
from kzatlas.ui import cache
from kzatlas.ui.frame import PageContext
from kzatlas.ui.signed_in import NotAnEditorError, confirm_editor, current_editor, directory
from kzatlas.ui.table_display import show_table

UNDONE_MESSAGE_KEY = "history.message"


def data_store(context: PageContext) -> store.Store | None:
    """The open store, or None when the page already said it cannot be reached."""
    if context.store_problem:
        return None
    try:
        return cache.data_store(cache.store_url(), context.geodata_dir)
    except (store.StoreError, SQLAlchemyError, OSError):
        return None


def changes_section(page: str, context: PageContext) -> None:
    """The section "Changes to the data": every saved version, newest first; editors can undo one."""
    translate = context.translate
    st.subheader(translate("Changes to the data"))
    message = st.session_state.pop(UNDONE_MESSAGE_KEY, None)
    if message:
        st.success(message)
    saved = data_store(context)
    if saved is None:
        st.info(translate("The data store cannot be reached, so its history cannot be shown."))
        return
    try:
        changes = saved.history()
    except (store.StoreError, SQLAlchemyError) as exc:
        st.error(
            translate("The history could not be read: {reason}").format(reason=escape_markdown(_reason(exc, translate)))
        )
        return
    if not changes:
        st.write(translate("No change has been saved yet: the atlas shows the shipped catalogue as it is."))
        return
    st.caption(
        translate(
            "Every change is a new version with who made it, when, the file it came from and why. "
            "Features added or changed by editors are marked on the map."
        )
    )
    show_table(guarded_writes.history_table(changes, translate))
    editor = current_editor()
    if editor is not None:
        _undo_form(page, context, saved, changes)


def _reason(exc: Exception, translate: Translate) -> str:
    """The store's own message (in the page's language when it is a message), or just the error's type.

    Never a traceback or a server path.
    """
    return exception_text(exc, translate) if isinstance(exc, store.StoreError) else plain_snippet(type(exc).__name__, 40)


def _undo_form(page: str, context: PageContext, saved: store.Store, changes: list[store.Change]) -> None:
    translate = context.translate
    candidates = guarded_writes.undoable(changes)
    if not candidates:
        return
    with st.expander(translate("Undo a change (editors)")):
        st.caption(
            translate(
                "Undoing makes a new version that puts the features back as they were before the change. "
                "A change can be undone when no later change to the same features still stands."
            )
        )
        labels = {
            change.version: translate("Version {version}: {what} by {who}, {when}").format(
                version=change.version,
                what=translate(guarded_writes.CHANGE_LABELS.get(change.action, change.action)),
                who=change.who,
                when=change.when.replace("T", " ").removesuffix("Z"),
            )
            for change in candidates
        }
        version = st.selectbox(
            translate("Change to undo"), list(labels), format_func=labels.get, key=f"{page}.undo_version"
        )
        comment = st.text_input(translate("Why (required)"), key=f"{page}.undo_comment", max_chars=500)
        if not st.button(translate("Undo this change"), key=f"{page}.undo", disabled=not comment.strip()):
            return
        try:
            editor = confirm_editor(current_editor())
            change = guarded_writes.undo_change(saved, version, editor, directory(), comment=comment)
        except NotAnEditorError:
            st.error(translate("Sign in as an editor to change data."))
            return
        except (store.StoreError, SQLAlchemyError) as exc:
            st.error(
                translate("The change was not undone: {reason}").format(reason=escape_markdown(_reason(exc, translate)))
            )
            return
        st.session_state[UNDONE_MESSAGE_KEY] = translate("Version {undone} was undone as version {version}.").format(
            undone=version, version=change.version
        )
        st.session_state.pop(f"{page}.undo_comment", None)
        st.rerun()
