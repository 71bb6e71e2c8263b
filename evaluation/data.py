"""Read the evaluation folder: CounselChat questions and the C-SSRS users' posts.

Only the layout is assumed (file names and columns), never counts, topics or labels beyond
the protocol's own label names, so the same code runs on any data laid out the same way.
"""

from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass
from pathlib import Path

QUESTIONS_FILE = Path("counselchat") / "questions.csv"
USERS_FILE = Path("cssrs500") / "users.csv"

# A Python string literal in single or double quotes, with backslash escapes.
_LITERAL = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\"""", re.DOTALL)
_SEPARATOR = re.compile(r"[\s,]*")

# Some cells are long (a user's whole history); the csv module's default cap is 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


@dataclass(frozen=True)
class Question:
    text: str  # title and body, one per line
    topics: frozenset[str]
    split: str


@dataclass(frozen=True)
class User:
    label: str
    posts: tuple[str, ...]
    parsed_by_fallback: bool  # the Post cell was not a valid Python literal
    truncated_post: bool  # its last post was cut off mid-string and kept as a fragment


def read_questions(path: Path) -> list[Question]:
    """Return every question that has at least one topic, in file order."""
    questions = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            topics = frozenset(t.strip() for t in (row["topics"] or "").split("|") if t.strip())
            if not topics:
                continue
            title = (row["questionTitle"] or "").strip()
            body = (row["questionText"] or "").strip()
            text = "\n".join(part for part in (title, body) if part)
            questions.append(Question(text=text, topics=topics, split=row["split"].strip()))
    return questions


def read_users(path: Path) -> list[User]:
    """Return every user with their label and posts, in file order."""
    users = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            posts, fallback, truncated = parse_post_list(row["Post"] or "")
            users.append(
                User(
                    label=row["Label"].strip(),
                    posts=tuple(posts),
                    parsed_by_fallback=fallback,
                    truncated_post=truncated,
                )
            )
    return users


def parse_post_list(cell: str) -> tuple[list[str], bool, bool]:
    """Return (posts, used_fallback, last_post_truncated) for one Post cell.

    The cell is meant to be a Python list of strings, and `ast.literal_eval` reads it when it
    is one. Some cells are not: in the C-SSRS file they were cut at a fixed length (32,759
    characters, a spreadsheet's cell limit) in the middle of a post, so the list is never
    closed. The fallback then reads the complete string literals one by one and keeps the
    unterminated last one as the fragment it is, so no text is lost and none is invented.
    A cell that does not look like a list at all is one post.
    """
    text = cell.strip()
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        pass
    else:
        if isinstance(value, list | tuple):
            return [str(v) for v in value], False, False
        if isinstance(value, str):
            return [value], False, False
    if not text.startswith("["):
        return ([text] if text else []), True, False
    posts, pos = [], 1
    while True:
        # Read literal after literal from where the last one ended, so that a quote inside
        # the unterminated last post can never start a bogus one.
        pos = _SEPARATOR.match(text, pos).end()
        match = _LITERAL.match(text, pos)
        if not match:
            break
        posts.append(_decode(match.group(0)))
        pos = match.end()
    rest = text[pos:]
    truncated = rest[:1] in ("'", '"') and bool(rest[1:].strip())
    if truncated:
        posts.append(_decode(rest + rest[0]))
    return posts, True, truncated


def _decode(literal: str) -> str:
    """The value of one quoted literal; its raw inside when an escape is malformed."""
    try:
        value = ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        return literal[1:-1]
    return value if isinstance(value, str) else literal[1:-1]
