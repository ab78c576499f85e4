# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alert text shown to people: the one way every place that renders a value for a person (the plan read before
saying yes, the Markdown report, the event source's labels and log lines) shows it.

Alert text - server names, alert names, paths, command lines, IPs - comes from hosts an attacker may own. Shown
raw, a newline forges a line of a log or of the plan, an escape sequence rewrites the terminal or its title, a
bidi override reverses what is read, and in Markdown a value becomes a link, an image that calls home, HTML or
another table cell. shown() turns every character that is not printable text into a visible escape, and for
Markdown escapes every character that could start markup, so a value always reads as the text it is.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any, Optional

# What is not printable text (control, format - bidi and zero-width -, line and paragraph separators, surrogates,
# private use, unassigned): the characters the modules refuse to send are the ones shown escaped here.
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import NOT_PRINTABLE

EMPTY = "-"
ELLIPSIS = "\u2026"
# A name (a server's, an alert's) longer than this ends in an ellipsis in a line of text: the plan, a log line.
NAME_LENGTH = 120
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Every ASCII punctuation character that can start or end markup in a table cell: emphasis, code, links and
# images, raw HTML and entities, cell borders, strikethrough, headings, math. CommonMark reads a backslash before
# any ASCII punctuation as the character itself.
_MARKUP = re.compile(r"[\\`*_\[\]()!<>&|~#$]")
# GitHub links bare URLs and e-mail addresses whatever their escapes (a second pass reads the text): they are
# shown defanged as security reports show them, https[:]//, www[.], user[@]host.
_BARE_LINK = re.compile(r":(?=//)|(?<=www)\.|@", re.IGNORECASE)


def shown(value: Any, markdown: bool = False, limit: Optional[int] = None) -> str:
    """value as a person is to see it, on one line.

    Each character that is not printable text is a visible escape (a newline \\n, ESC \\x1b, a right-to-left
    override \\u202e); None or an empty value is "-"; with limit, at most limit characters, the last an ellipsis
    when it is cut (never inside an escape). markdown: for a Markdown table cell (or heading or paragraph) - no
    markup, link, image, HTML or extra cell can come out of the value.
    """
    text = EMPTY if value is None or value == "" else str(value)
    pieces = [_visible(char) for char in text]
    if limit is not None and sum(len(piece) for piece in pieces) > limit:
        ends = itertools.accumulate(len(piece) for piece in pieces)
        pieces = [piece for piece, end in zip(pieces, ends) if end < limit] + [ELLIPSIS]
    line = "".join(pieces)
    if markdown:
        line = _MARKUP.sub(r"\\\g<0>", _BARE_LINK.sub(r"[\g<0>]", line))
    return line


def _visible(char: str) -> str:
    """The character itself, or the escape that shows it if it is not printable text."""
    if unicodedata.category(char) not in NOT_PRINTABLE:
        return char
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return "\\x%02x" % code
    if code <= 0xFFFF:
        return "\\u%04x" % code
    return "\\U%08x" % code
