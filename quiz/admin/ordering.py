"""Moving one item of an ordered list up or down, shared by every admin list."""

from __future__ import annotations

from typing import TypeVar

Item = TypeVar("Item")


def moved(ordered: list[Item], item: Item, direction: str) -> list[Item] | None:
    """Return ``ordered`` with ``item`` swapped one place up or down; None at either end."""
    index = ordered.index(item)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(ordered):
        return None
    reordered = list(ordered)
    reordered[index], reordered[neighbour] = reordered[neighbour], reordered[index]
    return reordered
