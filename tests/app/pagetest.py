"""Shared steps for the AppTest suites: run a page (with link parameters) and read what it shows."""

from __future__ import annotations

import ast
import re

from streamlit.testing.v1 import AppTest

from kzatlas.config import ROOT_DIR

TIMEOUT = 60
VIEWS = ROOT_DIR / "views"
ROUTER = str(ROOT_DIR / "app.py")


def router_pages() -> list[str]:
    """The pages the router lists (``st.Page("views/<name>.py", ...)`` in ``app.py``), in its order."""
    tree = ast.parse((ROOT_DIR / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and str(first.value).startswith("views/"):
                pages.append(str(first.value).removeprefix("views/").removesuffix(".py"))
    return pages


def page_path(page: str) -> str:
    return str(VIEWS / f"{page}.py")


def run_page(page: str, **query) -> AppTest:
    """Run ``views/<page>.py`` alone with ``query`` as the link's parameters; fail on an exception."""
    at = AppTest.from_file(page_path(page), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """Markdown source as the reader sees it: backslash escapes and invisible word joiners removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def metric(at: AppTest, label: str) -> str:
    for item in at.metric:
        if shown(item.label) == label:
            return item.value
    raise AssertionError(f"no metric {label!r} in {[m.label for m in at.metric]}")


def headings(at: AppTest) -> list[str]:
    """Subheaders as the reader sees them (data names are sent Markdown-escaped)."""
    return [shown(h.value) for h in at.subheader]
