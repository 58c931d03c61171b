"""Neutralising declaration and ruleset text before it reaches a human-readable output.

Text written by whoever filled a form (names, keys, file names) or a ruleset is shown to reviewers
on a terminal, in a CI job log, in a review comment. Raw, it can inject: an ESC sequence recolours,
hides or erases what follows on a terminal (``\\e[8m``, ``\\e]0;…``); a line break followed by
``::error::`` is executed by GitHub Actions as a workflow command; Markdown or HTML changes a
review comment. Every human format uses these functions (the shared sanitiser):

* :func:`plain` — one line: every control character (C0, DEL, C1), line and paragraph separator
  and bidirectional override is shown as an escape (``\\n``, ``\\x1b``, ``\\u202e``), so data can
  never start a new line nor reach the terminal as a control;
* :func:`multiline` — a whole output made of trusted lines: controls escaped as above except the
  line break and the tab, and a line that would start a workflow command (``::``) is defused with a backslash;
* :func:`markdown` — :func:`plain`, then Markdown punctuation backslash-escaped and ``< > &`` as
  HTML entities (for ``-f md`` and any other Markdown);
* :func:`html` — :func:`plain`, then HTML-escaped (quotes included).
"""

from __future__ import annotations

import html as _html
import re

_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[{_CONTROLS.replace(chr(0) + '-' + chr(0x1f), chr(0) + '-' + chr(8) + chr(11) + '-' + chr(0x1f))}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_WORKFLOW_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def _escape(match: re.Match) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: object) -> str:
    """``text`` on one line, with every control character shown as an escape."""
    return _CONTROL.sub(_escape, str(text))


def multiline(text: str) -> str:
    """A multi-line output: controls other than the line break escaped, ``::`` at a line start defused."""
    return _WORKFLOW_COMMAND.sub(r"\1\\::", _CONTROL_BUT_NEWLINE.sub(_escape, text))


def markdown(text: object) -> str:
    """``text`` as inert Markdown on one line (no links, images, tables, HTML or emphasis)."""
    escaped = _MARKDOWN.sub(r"\\\1", plain(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html(text: object) -> str:
    """``text`` as inert HTML on one line."""
    return _html.escape(plain(text), quote=True)
