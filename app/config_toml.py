"""Line numbers for the workstation file: tomllib only reports lines for syntax errors.

`syntax_error` turns tomllib's English message into Dutch with its line; `KeyLines` finds the
line of any key or table by scanning the text, so a type or value error can name its line too.
Split from app.config to keep that module small.
"""

from __future__ import annotations

import re

_TOML_LINE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
# tomllib's messages are English; these are the ones an admin editing by hand will meet.
_TOML_MESSAGES = (
    ("Expected newline or end of document", "na een waarde hoort een nieuwe regel (tekst zonder aanhalingstekens?)"),
    ("Invalid value", "ongeldige waarde; zet tekst tussen aanhalingstekens"),
    ("Cannot overwrite a value", "deze instelling staat twee keer in het bestand"),
    ("Cannot declare", "deze tabel staat twee keer in het bestand"),
    ("Unterminated string", "een tekst is niet afgesloten met een aanhalingsteken"),
    ('Expected "\'"', "een tekst is niet afgesloten met een aanhalingsteken"),
    ("Expected '=' after a key", "na de naam van een instelling hoort '='"),
    ("Expected ']' at the end of a table", "een tabelnaam is niet afgesloten met ']'"),
    ("Unclosed array", "een lijst is niet afgesloten met ']'"),
    ("Illegal character '\\n'", "een tekst is niet afgesloten met een aanhalingsteken"),
    ("Illegal character", "ongeldig teken"),
)
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def syntax_error(text: str, error: str) -> tuple[str, int | None, str]:
    """A Dutch message, the line and (for duplicates) the key of a tomllib error."""
    match = _TOML_LINE.search(error)
    english = error[: match.start()] if match else error
    line = int(match.group(1)) if match and match.group(1) else None
    message = next((dutch for prefix, dutch in _TOML_MESSAGES if english.startswith(prefix)), english)
    key = ""
    if english.startswith(("Cannot overwrite", "Cannot declare")):
        # tomllib often reports a duplicate at the end of the document; point at the second one.
        duplicate = KeyLines(text).duplicate
        if duplicate:
            key, line = ".".join(duplicate[0]), duplicate[1]
    elif line is None and english.startswith(("Unterminated string", 'Expected "\'"')):
        line = _unclosed_string_line(text)
    return message, line, key


def _unclosed_string_line(text: str) -> int | None:
    """The first line whose value opens a quote it doesn't close (tomllib only says "end of document")."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"\\.", "", raw)  # escaped characters, e.g. \" inside a string
        if '"""' in line or "'''" in line or "=" not in line:
            continue
        value = line.split("=", 1)[1].strip()
        if value[:1] in ('"', "'") and value.count(value[0]) < 2:
            return number
    return None


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return tuple(part.strip("\"'") for part in parts)


class KeyLines:
    """Line numbers of tables and keys, found by scanning the text table by table."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        self.duplicate: tuple[tuple[str, ...], int] | None = None
        table: tuple[str, ...] = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                # Inside a """ or ''' string nothing is a key or a table.
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header:
                table = _dotted(header.group(1))
                if table in self._lines and not line.lstrip().startswith("[["):
                    self.duplicate = self.duplicate or (table, number)
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                full = (*table, *_dotted(key.group(1)))
                if full in self._lines:
                    self.duplicate = self.duplicate or (full, number)
                for depth in range(len(table) + 1, len(full) + 1):
                    self._lines.setdefault(full[:depth], number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote
                        break

    def find(self, key: tuple[str, ...]) -> int | None:
        """The line of `key`; for a missing key the line of its table, so the admin knows where to add it."""
        for depth in range(len(key), 0, -1):
            if key[:depth] in self._lines:
                return self._lines[key[:depth]]
        return None
