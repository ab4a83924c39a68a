"""Hostile text, in one place: every sink test (HTML, Markdown, CSV, PDF, PPTX, offline kit,
imports, editor, labels) feeds itself from these lists, so a new sink meets the same attacks.

Import it from any test as ``from payloads import ...`` (``tests/`` is on pytest's path).
Each list holds text that must come out of a sink as inert, visible text.
"""

from __future__ import annotations

# Where a payload would send a browser if it ran: no test server answers here, and the
# browser tests fail on any request that leaves 127.0.0.1.
EVIL_HOST = "evil.invalid"

HTML = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    '"><svg onload=alert("x3")>',
    "'><iframe src=javascript:alert('x4')>",
    "</div><b>bold</b><div>",
    "<a href='javascript:alert(5)'>click</a>",
    "&lt;script&gt;alert('x6')&lt;/script&gt;",
    "<style>body{display:none}</style>",
]

# Folium templates put values inside JavaScript template strings.
TEMPLATE = [
    "${alert('t1')}",
    "`+alert('t2')+`",
    "\\`; alert('t3'); //",
    "{{ 7*7 }}",
    "</script><script>alert('t4')</script>",
]

MARKDOWN = [
    f"![x](http://{EVIL_HOST}/p.png)",
    f"[click me](http://{EVIL_HOST}/md)",
    "[js](javascript:alert('m1'))",
    f"http://{EVIL_HOST}/bare",
    f"www.{EVIL_HOST}/bare",
    f"<http://{EVIL_HOST}/angle>",
    "$$\\alert{m2}$$",
    ":red[coloured] **bold** _it_ `code`",
    "# Heading\n\n---\n\n> quote",
    f"[ref]: http://{EVIL_HOST}/ref\n\n[ref]",
    f"mail@{EVIL_HOST}",
]

CSV = [
    '=HYPERLINK("http://evil.invalid/csv","Click")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",  # full-width equals sign
    "\uff0b1",  # full-width plus
    "x\n=HYPERLINK(\"http://evil.invalid/nl\",\"Click\")\n@SUM(1)",
    "x\r\n+cmd|' /C calc'!A0",
]

# Link values: only http, https and the atlas's own relative links may become links.
DANGEROUS_URLS = [
    "javascript:alert('u1')",
    "JaVaScRiPt:alert('u2')",
    " javascript:alert('u3')",
    "java\tscript:alert('u4')",
    "vbscript:msgbox('u5')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgndTYnKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert('u7')>",
    "file:///etc/passwd",
    "//evil.invalid/protocol-relative",
]
SAFE_URLS = [
    "https://www.undp.org/kazakhstan",
    "http://example.org/page?a=1&b=2",
    "/?sel=kz-nr-naurzum",
]

# Characters that a data build must refuse (they cut names short or hide text).
CONTROL = [
    "Naurzum\x00hidden",
    "bell\x07",
    "escape\x1b[31mred",
    "right-to-left\u202eevil",
]

LONG = [
    "N" * 300,
    "Очень длинное название " * 20,
]

# Every string a text field may carry, for catalogue-wide poisoning.
ALL_TEXT = HTML + TEMPLATE + MARKDOWN + CSV + DANGEROUS_URLS + LONG

# Link parameters that must be refused or ignored without an error.
URL_PARAMS = [
    ("scene", "\u00b2"),
    ("scene", "\u0663"),  # Arabic-Indic digit three
    ("scene", "9" * 5000),
    ("scene", "-1"),
    ("years", "2000-\u00b9\u2079"),
    ("q", 'x\n=HYPERLINK("http://evil.invalid/csv","Click")\n@SUM(1)'),
    ("view", "1e309,1e309,99"),
    ("view", "nan,nan,5"),
    ("regions", "KZ-XX"),
    ("sel", "<script>alert(1)</script>"),
    ("lang", "../../etc/passwd"),
]

# A reproduction for each formula lead a spreadsheet honours.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Formula leads a spreadsheet may honour that CSV above does not start with.
CSV_LEADS = [
    "\uff0d1+1",  # full-width hyphen-minus
    "\uff20SUM(1)",  # full-width commercial at
    " \uff1d1+1",
    "\u3000=1+1",  # ideographic space before the lead
    "x\u2028=1+1",  # a Unicode line separator
]
