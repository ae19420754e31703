"""Edit a record's YAML file as a person would: change what changed, keep the rest.

ruamel.yaml's round trip keeps comments, key order, quoting and block styles of everything an
edit leaves alone; only changed values are rewritten (a folded paragraph stays folded).
"""

from __future__ import annotations

import difflib
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

WIDTH = 88


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = WIDTH
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def _plain(value: Any) -> Any:
    """A ruamel node as plain Python data (for comparing with the new record)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if value is not None and hasattr(value, "isoformat"):
        return value.isoformat()
    return value


Edit = tuple[int, int, list[str]]  # replace lines [start, end) with these


def _dump(key: str, value: Any, column: int, first_prefix: str) -> list[str]:
    y = _yaml()
    out = io.StringIO()
    y.dump({key: value}, out)
    lines = out.getvalue().splitlines(keepends=True)
    pad = " " * column
    return [(first_prefix if i == 0 else pad) + line for i, line in enumerate(lines)]


def _walk(node: CommentedMap, new: dict[str, Any], lines: list[str], end: int) -> list[Edit]:
    """Line edits that turn mapping ``node`` (ending before line ``end``) into ``new``."""
    edits: list[Edit] = []
    keys = list(node.keys())
    starts = [node.lc.key(k)[0] for k in keys]
    column = node.lc.key(keys[0])[1] if keys else 0
    for i, key in enumerate(keys):
        first, last = starts[i], starts[i + 1] if i + 1 < len(keys) else end
        col = node.lc.key(key)[1]
        prefix = lines[first][:col]  # spaces, or "  - " when the key opens a list item
        if key not in new:
            keep = prefix if prefix.strip() else ""
            edits.append((first, last, [keep + "\n"] if keep else []))
            continue
        old_value, new_value = node[key], new[key]
        if _plain(old_value) == new_value:
            continue
        if isinstance(old_value, CommentedMap) and isinstance(new_value, dict) and old_value:
            edits += _walk(old_value, new_value, lines, last)
        elif (
            isinstance(old_value, CommentedSeq)
            and isinstance(new_value, list)
            and len(old_value) == len(new_value) > 0
            and all(isinstance(v, CommentedMap) and v for v in old_value)
            and all(isinstance(v, dict) for v in new_value)
        ):
            items = [old_value.lc.item(j)[0] for j in range(len(old_value))]
            for j, item in enumerate(old_value):
                item_end = items[j + 1] if j + 1 < len(items) else last
                edits += _walk(item, new_value[j], lines, item_end)
        else:
            edits.append((first, last, _dump(key, _styled(old_value, new_value), col, prefix)))
    added = [k for k in new if k not in node]
    if added:
        block: list[str] = []
        for key in added:
            block += _dump(key, new[key], column, " " * column)
        edits.append((end, end, block))
    return edits


def _styled(old: Any, new: Any) -> Any:
    if isinstance(new, list) and isinstance(old, CommentedSeq) and old.fa.flow_style():
        seq = CommentedSeq(new)
        seq.fa.set_flow_style()
        return seq
    if isinstance(new, str) and isinstance(old, FoldedScalarString):
        return FoldedScalarString(new)
    if isinstance(new, str) and isinstance(old, LiteralScalarString):
        return LiteralScalarString(new)
    return new


def render(document: dict[str, Any], previous: str | None = None) -> str:
    """The YAML text of ``document``; with ``previous``, an edit of that text that rewrites
    only the lines of values that changed (comments, order and styles elsewhere kept)."""
    if previous is None:
        out = io.StringIO()
        _yaml().dump(document, out)
        return out.getvalue()
    root = _yaml().load(previous)
    lines = previous.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1  # trailing blank lines stay where they are
    for first, last, replacement in sorted(_walk(root, document, lines, end), reverse=True):
        lines[first:last] = replacement
    return "".join(lines)


def diff(before: str | None, after: str, name: str, limit: int = 20_000) -> str:
    """A unified diff of one edit (for the audit trail), cut at ``limit`` characters."""
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    text = "".join(lines)
    return text if len(text) <= limit else text[:limit] + "\n... (cut)\n"
