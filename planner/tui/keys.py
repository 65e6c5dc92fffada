"""The settings' key remapping (``keys:``), checked before the app applies it.

Textual's ``set_keymap`` takes any binding id and any key without a word: an id that
is no binding does nothing, and a key that another binding already has makes one of
the two unreachable. Here each remap is checked against the app's bindings: an
unknown id is reported with the closest valid one, and a key that another binding
where both work already has (the same widget, or an app-wide binding) is refused,
naming both. What is refused is left out; the rest of the keymap applies.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

ANYWHERE = "anywhere"
"""The scope of the app's own bindings: they work in every view."""


@dataclass(frozen=True)
class Bound:
    """A binding with an id, where it works (its scope) and its keys as remapped."""

    id: str
    scope: str
    keys: tuple[str, ...]
    what: str


def _keys(text: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in text.split(",") if k.strip())


def bound(
    groups: Sequence[tuple[str, Iterable[BindingType]]], keymap: Mapping[str, str]
) -> list[Bound]:
    """Every binding with an id in ``groups`` ((scope, bindings); ``ANYWHERE`` for the
    app's), with ``keymap`` applied."""
    out: list[Bound] = []
    for scope, bindings in groups:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                keys = _keys(keymap.get(binding.id, binding.key))
                out.append(Bound(binding.id, scope, keys, binding.description or binding.action))
    return out


def check_keymap(
    keymap: Mapping[str, str], groups: Sequence[tuple[str, Iterable[BindingType]]]
) -> tuple[dict[str, str], list[str]]:
    """(the remaps that can be applied, one message per refused one)."""
    plain = bound(groups, {})
    ids = sorted({b.id for b in plain})
    problems: list[str] = []
    accepted: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in ids:
            near = difflib.get_close_matches(binding_id, ids, n=1, cutoff=0.0)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            problems.append(f"keys: '{binding_id}' is not a binding of the app{hint}")
            continue
        accepted[binding_id] = keys
    # a remapped key must not be another binding's where both work (checked with every
    # accepted remap applied, so swapping two keys is fine)
    remapped = bound(groups, accepted)
    defaults = {b.id: b.keys for b in plain}
    for binding_id in list(accepted):
        mine = [b for b in remapped if b.id == binding_id]
        for me in mine:
            new = [k for k in me.keys if k not in defaults[binding_id]]
            for other in remapped:
                if other.id == binding_id or not _meet(me.scope, other.scope):
                    continue
                taken = [k for k in new if k in other.keys]
                if taken:
                    problems.append(
                        f"keys: {binding_id} ({me.what}) -> '{taken[0]}' is refused: "
                        f"{other.id} ({other.what}) has that key; pick another"
                    )
                    accepted.pop(binding_id, None)
                    break
            if binding_id not in accepted:
                break
    return accepted, problems


def _meet(a: str, b: str) -> bool:
    """Whether bindings of scopes ``a`` and ``b`` can both be reached at once."""
    return a == b or ANYWHERE in (a, b)
