"""Reading an audit entry's target: which role, question or dimension it names.

The audit log stores targets as written when the change was made, such as
``role live-predictions``; the log page shows the thing's name in their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# the kinds of bank item whose targets are written "<kind> <key>"
NAMED_KINDS = ("role", "question", "dimension")


@dataclass(frozen=True)
class TargetName:
    """A target as shown: its kind, key, and name (None when nothing by that key is left)."""

    kind: str
    key: str
    name: str | None


def name_target(target: str, names: Mapping[str, Mapping[str, str]]) -> TargetName | None:
    """Name the bank item ``target`` points at, or return None when it points at no bank item.

    ``names`` maps each kind to a map from key to name, e.g. ``{"role": {"ml": "ML engineer"}}``.
    """
    kind, _, key = target.partition(" ")
    if kind not in NAMED_KINDS or not key or " " in key:
        return None
    return TargetName(kind, key, names.get(kind, {}).get(key))
