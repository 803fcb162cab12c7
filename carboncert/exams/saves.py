"""Answer uploads in sequence: the rule that makes the exam client's saves idempotent.
Pure, no Django: the exam and the learning centre's mock papers apply it alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Save:
    seq: int
    n: int
    value: str
    client_time_ms: int | None = None


class NoSuchItem(ValueError):
    def __init__(self, n: int):
        super().__init__(f"第 {n} 题不存在。")
        self.n = n


def in_sequence(saves: Iterable[Save], last_seq: int, item_count: int) -> tuple[list[Save], int]:
    """The saves to apply, in order, and the sequence they reach. A save at or below the
    last applied one is a retry and is ignored; a gap stops the batch (the client sends
    what follows again); a save for an item the paper lacks raises NoSuchItem."""
    applied: list[Save] = []
    last = last_seq
    for save in sorted(saves, key=lambda s: s.seq):
        if save.seq <= last:
            continue
        if save.seq != last + 1:
            break
        if not 1 <= save.n <= item_count:
            raise NoSuchItem(save.n)
        applied.append(save)
        last = save.seq
    return applied, last
