"""The hash chain: entry ``n`` holds ``seq = n``, the previous entry's ``record_hash`` in
``prev_hash`` (``GENESIS`` for the first) and its own ``record_hash``, the SHA-256 of the
entry's canonical JSON without that field. Editing an entry breaks its own hash; deleting,
inserting or reordering entries breaks a sequence number or a ``prev_hash`` link."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASH_FIELD = "record_hash"


def canonical(entry: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, ASCII only: one byte string per entry, on any machine."""
    return json.dumps(
        entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        canonical({k: v for k, v in entry.items() if k != HASH_FIELD})
    ).hexdigest()


def seal(record: Mapping[str, Any], *, seq: int, prev_hash: str) -> dict[str, Any]:
    """The chain entry for ``record`` at position ``seq``."""
    entry = {**record, "seq": seq, "prev_hash": prev_hash}
    entry[HASH_FIELD] = entry_hash(entry)
    return entry


def serialise(entry: Mapping[str, Any]) -> bytes:
    """One JSON line per object: what Athena's JSON SerDe reads."""
    return canonical(entry) + b"\n"


@dataclass(frozen=True)
class Problem:
    position: int  # sequence number where the chain first fails
    kind: str  # edited | missing | reordered | unreadable
    detail: str

    def __str__(self) -> str:
        return f"entry {self.position}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str  # record_hash of the last good entry
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(entries: Iterable[tuple[int, Mapping[str, Any] | None]]) -> Verification:
    """Check ``(position, entry)`` pairs in position order; stops at the first problem.
    ``entry`` None means the object at that position could not be parsed."""
    expected_pos, prev, count = 0, GENESIS, 0
    for position, entry in entries:
        if position != expected_pos:
            gap = (
                f"{expected_pos}"
                if position == expected_pos + 1
                else f"{expected_pos}-{position - 1}"
            )
            return Verification(
                count, prev, Problem(expected_pos, "missing", f"no entry at position {gap}")
            )
        if entry is None:
            return Verification(count, prev, Problem(position, "unreadable", "not a JSON object"))
        if entry.get("seq") != position:
            return Verification(
                count, prev,
                Problem(position, "reordered", f"holds the entry with seq {entry.get('seq')!r}"),
            )  # fmt: skip
        if entry.get(HASH_FIELD) != entry_hash(entry):
            return Verification(
                count,
                prev,
                Problem(position, "edited", "its content does not match its record_hash"),
            )
        if entry.get("prev_hash") != prev:
            return Verification(
                count, prev,
                Problem(position, "reordered", f"prev_hash is not entry {position - 1}'s hash"),
            )  # fmt: skip
        prev, expected_pos, count = str(entry[HASH_FIELD]), expected_pos + 1, count + 1
    return Verification(count, prev, None)
