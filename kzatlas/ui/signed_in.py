"""Signing editors in and out, and knowing who is signed in.

Two ways in, both configured in Streamlit's secrets (``.streamlit/secrets.toml``):

* editor accounts in ``[editors.<username>]`` with a ``password_hash``: a password form in the
  sidebar;
* an identity provider in ``[auth]``: Streamlit's own ``st.login``; only e-mail addresses listed
  in ``[editors] emails`` may change data.

With neither, the sidebar shows nothing and the atlas is view-only. Who is signed in lives in
the server-side session state (or Streamlit's identity cookie), never in anything the browser
sends back as a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from kzatlas.catalog import active_geodata_dir
from kzatlas.edit import accounts
from kzatlas.edit.guesses import GuessLedger, StoreGuesses
from kzatlas.i18n import N_, Translate
from kzatlas.safety import escape_markdown
from kzatlas.store import StoreError
from kzatlas.ui import cache
from kzatlas.ui.settings import current_secret_table, secret_table

EDITOR_KEY = "auth.editor"  # the Editor signed in with a password, in session state
FORM_KEY = "auth.sign_in"
# The label of an identity provider configured without a name or an address.
SINGLE_SIGN_ON = N_("single sign-on")


def _guesses() -> GuessLedger:
    """The count of wrong passwords, kept in the store so that every process and replica shares it.

    Raises
    ------
    StoreError
        When the store cannot be opened; :func:`accounts.sign_in` then checks no password.
    """
    try:
        opened = cache.data_store(cache.store_url(), str(active_geodata_dir()))
    except (StoreError, SQLAlchemyError, OSError) as exc:
        raise StoreError("the store cannot be opened") from exc
    return StoreGuesses(opened)


def directory() -> accounts.EditorDirectory:
    """The editors configured in the secrets, read from the secrets file at each call.

    Streamlit rereads its secrets only once it notices the file changed; the editors are read
    from the file itself, so an editor taken out is out from the next click or write on.
    """
    return accounts.read_directory(current_secret_table("editors"))


def providers() -> list[tuple[str | None, str]]:
    """Identity providers configured in ``[auth]``: ``(provider for st.login, label)`` pairs."""
    section = secret_table("auth")
    if not section:
        return []
    named = [(key, key.replace("_", " ").title()) for key, value in section.items() if isinstance(value, Mapping)]
    if named:
        return named
    if section.get("client_id"):
        host = urlsplit(str(section.get("server_metadata_url", ""))).hostname or ""
        return [(None, host or SINGLE_SIGN_ON)]
    return []


def _provider_user() -> Mapping:
    try:
        return st.user.to_dict()
    except Exception:  # no identity provider configured, or no session
        return {}


def current_editor() -> accounts.Editor | None:
    """The signed-in editor, or None for a viewer.

    A password sign-in counts while its account is still configured; a provider sign-in
    counts while its e-mail address is on the allowlist.
    """
    known = directory()
    editor = st.session_state.get(EDITOR_KEY)
    if isinstance(editor, accounts.Editor):
        if known.allows(editor):
            return editor
        del st.session_state[EDITOR_KEY]
    return accounts.provider_editor(known, _provider_user()) if known.emails else None


def sign_in_offered() -> bool:
    """Whether this server has any way for an editor to sign in (accounts or an identity provider)."""
    return directory().has_accounts or bool(providers())


class NotAnEditorError(Exception):
    """A write was attempted by someone who is not (or no longer) a signed-in editor."""


def confirm_editor(editor: accounts.Editor | None) -> accounts.Editor:
    """Check again, on the server, that ``editor`` is the one signed in now; raise otherwise."""
    now = current_editor()
    if editor is None or now is None or now != editor:
        raise NotAnEditorError("sign in as an editor to change data")
    return now


def sign_in_box(translate: Translate) -> None:
    """The sidebar's editor sign-in or sign-out; nothing when no editors are configured."""
    editor = current_editor()
    sidebar = st.sidebar
    if editor is not None:
        sidebar.caption(translate("Signed in as editor: {name}").format(name=escape_markdown(editor.who)))
        if sidebar.button(translate("Sign out"), key="auth.sign_out"):
            st.session_state.pop(EDITOR_KEY, None)
            if editor.method == accounts.METHOD_PROVIDER:
                st.logout()
            st.rerun()
        return
    if not sign_in_offered():
        return
    known = directory()
    logins = providers()
    with sidebar.expander(translate("Editors: sign in")):
        for provider, label in logins:
            shown = translate(label) if label == SINGLE_SIGN_ON else label
            if st.button(translate("Sign in with {provider}").format(provider=shown), key=f"auth.login.{provider}"):
                if provider:
                    st.login(provider)
                else:
                    st.login()
        if known.has_accounts:
            _password_form(known, translate)
        user = _provider_user()
        if user.get("is_logged_in") and not known.allows(accounts.provider_editor(known, user)):
            st.caption(translate("This account may view the atlas but is not on the list of editors."))


def _password_form(known: accounts.EditorDirectory, translate: Translate) -> None:
    with st.form(FORM_KEY, clear_on_submit=True, border=False):
        username = st.text_input(translate("Username"), key="auth.username", max_chars=accounts.MAX_USERNAME_CHARS)
        password = st.text_input(
            translate("Password"), type="password", key="auth.password", max_chars=accounts.MAX_PASSWORD_CHARS
        )
        submitted = st.form_submit_button(translate("Sign in"))
    if not submitted:
        return
    try:
        guesses = _guesses()
    except StoreError:
        st.error(translate(accounts.NOT_NOW))
        return
    result = accounts.sign_in(known, username, password, guesses)
    if result.editor is None:
        minutes = max(1, round(result.seconds_locked / 60))
        st.error(translate(result.message).format(minutes=minutes))
        return
    st.session_state[EDITOR_KEY] = result.editor
    st.rerun()
