"""Escaping helpers neutralise every character that is live in HTML or JS templates."""

import pytest

from kzatlas.safety import escape_html, is_safe_id, safe_csv_cell


def test_escape_html_neutralises_markup_and_template_syntax():
    out = escape_html("<img src=x onerror=alert(1)> ${alert(2)} `tick` \\ \"q\" 'a' & {{ 7*7 }} {% if %}")
    for raw in "<>`$\\\"'{}":
        assert raw not in out
    assert "&lt;img" in out and "&#x24;&#x7B;alert(2)&#x7D;" in out and "&#x60;tick&#x60;" in out
    assert "&#x7B;&#x7B; 7*7 &#x7D;&#x7D;" in out and "&#x7B;% if %&#x7D;" in out


def test_only_plain_ids_are_accepted():
    assert all(is_safe_id(value) for value in ["pa-ile-balkhash", "imp-3f2a9c01-12", "KZ-75", "site_1.a:b"])
    assert not any(is_safe_id(value) for value in ["", "-x", "a b", "a{{b}}", "<b>", "a/b", "é", None, 12])


def test_escape_html_of_missing_values_is_empty():
    assert escape_html(None) == "" and escape_html(float("nan")) == ""
    assert escape_html(12.5) == "12.5"


def test_csv_cells_that_look_like_formulas_are_defused():
    assert safe_csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_csv_cell("+1") == "'+1" and safe_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_csv_cell("Naurzum") == "Naurzum" and safe_csv_cell(-5) == -5


def test_only_web_and_own_relative_links_survive():
    from payloads import DANGEROUS_URLS, SAFE_URLS

    from kzatlas.safety import safe_link

    assert [safe_link(url) for url in SAFE_URLS] == SAFE_URLS
    assert [safe_link(url) for url in DANGEROUS_URLS] == [None] * len(DANGEROUS_URLS)


def test_bounded_json_parses_ordinary_documents():
    from kzatlas.safety import load_json_limited

    assert load_json_limited(b'{"a": [1, 2.5, "[[[{{{"], "b": null}') == {"a": [1, 2.5, "[[[{{{"], "b": None}
    assert load_json_limited('["\\"]]]]"]', max_depth=1) == ['"]]]]']


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "nested more than 32"),
        (b"[" + b"9" * 5000 + b"]", "number longer than"),
        (b"[" + b"9" * 4301 + b"]", "number longer than"),
        (b"[0." + b"1" * 400 + b"]", "number longer than"),
        (b"[1e999]", "too large"),
        (b"[-Infinity]", "Infinity"),
        (b"[NaN]", "NaN"),
        (b"\xff", "not UTF-8"),
        (b"[1,", "not valid JSON"),
        (b" " * 2_000_000, "larger than"),
    ],
)
def test_bounded_json_refuses_hostile_documents_in_one_line(data, reason):
    from kzatlas.safety import JSONLimitError, load_json_limited

    with pytest.raises(JSONLimitError, match=reason) as refused:
        load_json_limited(data)
    assert "\n" not in str(refused.value)


def test_csv_cells_holding_script_addresses_are_not_offered_as_links():
    from payloads import DANGEROUS_URLS

    from kzatlas.safety import safe_csv_cell

    for url in DANGEROUS_URLS:
        if url.startswith("//"):
            continue  # protocol-relative: an ordinary web address once opened in a browser
        assert safe_csv_cell(url).startswith("'"), url
    assert safe_csv_cell("https://www.undp.org/kazakhstan") == "https://www.undp.org/kazakhstan"
