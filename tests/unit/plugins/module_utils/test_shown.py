# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""shown(): alert text from hosts an attacker may own, shown to people on one line (a terminal, a log, the plan)
and in Markdown (the report), against a corpus of hostile values; the Markdown is read back by a CommonMark
parser with GitHub's tables, as a viewer would render it."""

from __future__ import annotations

import unicodedata

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown

# (hostile value, its line form)
HOSTILE = [
    pytest.param("web-01\rforged", "web-01\\rforged", id="carriage-return"),
    pytest.param("web-01\n| 9 | forged | row |", "web-01\\n| 9 | forged | row |", id="newline-forged-row"),
    pytest.param("a\tb", "a\\tb", id="tab"),
    pytest.param("\x1b]0;title\x07", "\\x1b]0;title\\x07", id="osc-window-title"),
    pytest.param("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", id="ansi-colour"),
    pytest.param("\x9b31m", "\\x9b31m", id="c1-csi"),
    pytest.param("\x00\x7f", "\\x00\\x7f", id="nul-del"),
    pytest.param("exe.\u202egpj", "exe.\\u202egpj", id="right-to-left-override"),
    pytest.param("\u2066a\u2069\u200e\u200f", "\\u2066a\\u2069\\u200e\\u200f", id="bidi-isolates-marks"),
    pytest.param("line\u2028two\u2029three", "line\\u2028two\\u2029three", id="line-paragraph-separators"),
    pytest.param("next\u0085line", "next\\x85line", id="nel"),
    pytest.param("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zero\\u200bwidth\\u200c\\u200d\\u2060\\ufeff",
                 id="zero-width-and-bom"),
    pytest.param("tag\U000e0041", "tag\\U000e0041", id="tag-character"),
    pytest.param("<script>alert(1)</script>", "<script>alert(1)</script>", id="script"),
    pytest.param("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("![b](https://evil.example/beacon.png)", "![b](https://evil.example/beacon.png)", id="image-beacon"),
    pytest.param("[click](javascript:x)", "[click](javascript:x)", id="javascript-link"),
    pytest.param("<https://evil.example>", "<https://evil.example>", id="autolink"),
    pytest.param("see https://evil.example/x or www.evil.example or root@evil.example",
                 "see https://evil.example/x or www.evil.example or root@evil.example", id="bare-links"),
    pytest.param("| forged | row |", "| forged | row |", id="pipes"),
    pytest.param("`code` ``more``", "`code` ``more``", id="backticks"),
    pytest.param("*em* **strong** _u_ ~~s~~ $x$", "*em* **strong** _u_ ~~s~~ $x$", id="emphasis-math"),
    pytest.param("&lt;b&gt; &#x3C;", "&lt;b&gt; &#x3C;", id="entities"),
    pytest.param("# heading \\", "# heading \\", id="hash-backslash"),
    pytest.param("{{ lookup('pipe','id') }}", "{{ lookup('pipe','id') }}", id="jinja"),
    pytest.param("C:\\Windows\\x.exe 主机-01", "C:\\Windows\\x.exe 主机-01", id="windows-path-chinese"),
]
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def printable(text: str) -> bool:
    return not any(unicodedata.category(char) in NOT_PRINTABLE for char in text)


# --- a line of text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, line", HOSTILE)
def test_a_line_shows_every_character_that_is_not_printable_as_a_visible_escape(value, line):
    assert shown(value) == line
    assert printable(shown(value))


@pytest.mark.parametrize("value", [None, ""])
def test_nothing_is_shown_as_a_dash(value):
    assert shown(value) == shown(value, markdown=True) == "-"


@pytest.mark.parametrize("value, shown_as", [(1234, "1234"), (0, "0"), (False, "False")])
def test_other_values_are_shown_as_their_text(value, shown_as):
    assert shown(value) == shown_as


@pytest.mark.parametrize("value, limit, line", [
    ("web-prod-01", 11, "web-prod-01"),
    ("web-prod-01", 10, "web-prod-\u2026"),
    ("ab\x1bcd", 4, "ab\u2026"),  # never half an escape: \x1b is four characters
    ("ab\x1bcd", 7, "ab\\x1b\u2026"),
    ("ab\x1bcd", 8, "ab\\x1bcd"),
])
def test_a_limit_cuts_with_an_ellipsis_between_escapes(value, limit, line):
    assert shown(value, limit=limit) == line
    assert len(shown(value, limit=limit)) <= limit


# --- a Markdown table cell -------------------------------------------------------------------------------

def commonmark():
    markdown_it = pytest.importorskip("markdown_it")  # with ansible-lint (rich), as in test-requirements.txt
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def cells(markdown: str) -> list:
    """The rows of the one table in markdown, each a list of its cells' inline tokens."""
    tokens = commonmark().parse(markdown)
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
            rows.append(row)
        elif token.type == "inline" and row is not None:
            row.append(token.children)
    return rows


@pytest.mark.parametrize("value, line", HOSTILE)
def test_a_cell_renders_as_the_line_and_nothing_else(value, line):
    rows = cells("| before | value | after |\n| --- | --- | --- |\n| b | %s | a |\n" % shown(value, markdown=True))
    assert len(rows) == 2 and [len(row) for row in rows] == [3, 3]
    kinds = {child.type for child in rows[1][1]}
    assert kinds <= {"text", "text_special"}, kinds  # no link, image, HTML, code, emphasis or entity
    text = "".join(child.content for child in rows[1][1])
    defanged = line.replace("://", "[:]//").replace("www.", "www[.]").replace("@", "[@]")
    assert text == defanged.strip()
    assert [child.content for row in rows for child in row[0] + row[2]] == ["before", "after", "b", "a"]


def unescaped(markdown: str) -> list:
    """The characters of markdown that no backslash escapes."""
    found, chars = [], iter(markdown)
    for char in chars:
        if char == "\\":
            next(chars, None)  # the character it escapes
        else:
            found.append(char)
    return found


def test_every_markup_character_of_a_cell_is_escaped():
    cell = shown("".join(param.values[0] for param in HOSTILE), markdown=True)
    assert printable(cell)
    assert not set(unescaped(cell)) & set("\\`*_[]()!<>&|~#$")


def test_a_heading_shows_the_value_as_text():
    tokens = commonmark().parse("# Triage: %s\n" % shown("prod ## ![x](https://evil.example/b.png) <b>", markdown=True))
    inline = [token for token in tokens if token.type == "inline"]
    assert len(inline) == 1 and {child.type for child in inline[0].children} <= {"text", "text_special"}
    text = "".join(child.content for child in inline[0].children)
    assert text == "Triage: prod ## ![x](https[:]//evil.example/b.png) <b>"
