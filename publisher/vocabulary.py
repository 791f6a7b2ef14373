"""Enumerations whose members carry their Chinese label, declared once per enum.

A feature's vocabulary (statuses, categories, dispositions…) is stored by its English value and
shown by its Chinese label. `labelled` attaches the labels to the enum and refuses, at import
time, an enum with a member that has no label, so a page can never show a raw value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

_LABELS: dict[type[LabelledEnum], Mapping[str, str]] = {}

E = TypeVar("E", bound="LabelledEnum")


class LabelledEnum(StrEnum):
    """A string enum with a Chinese label per member (see `labelled`)."""

    @property
    def label_zh(self) -> str:
        return _LABELS[type(self)][self.value]

    @classmethod
    def labels_zh(cls) -> dict[str, str]:
        """Value → label, in declaration order (for select boxes and CSV headers)."""
        return {member.value: member.label_zh for member in cls}


def labelled(labels: Mapping[str, str]) -> Callable[[type[E]], type[E]]:
    """Class decorator: attach Chinese labels, keyed by value, to every member."""

    def attach(cls: type[E]) -> type[E]:
        values = {member.value for member in cls}
        missing, unknown = values - set(labels), set(labels) - values
        if missing or unknown:
            raise TypeError(
                f"{cls.__name__}: labels missing for {sorted(missing)}, unknown {sorted(unknown)}"
            )
        _LABELS[cls] = dict(labels)
        return cls

    return attach
