"""Form layouts and the canonical reading of indicator categories — data from the ruleset.

A ruleset's ``layouts`` section names each form (``shanghai-2024``, ``national-2021``,
``legacy-2015``, ``ndrc-investment`` …) with the header fields, funds fields and indicator columns it
has, the unit a bare number in its funds block is in (``funds_unit``: 元 or 万元) and the funds
field cost ceilings are checked against (``amount``). Its ``categories`` section
is the alias table: the 一级/二级 labels of every layout and the canonical codes rules read
(``level1_code`` / ``level2_code``). Format in words: ``docs/rulesets.md``; what each layout holds:
``docs/intake.md``.

Reading a category cell (:meth:`Layouts.classify`):

1. Whitespace is removed and template hint text in brackets is dropped ("数量指标（必填硬性指标）" is
   数量指标); a label without the 指标 ending is read with it ("产出" is 产出指标).
2. The 一级 label is looked up among the level-1 labels and aliases. A *group* label (中央预算内投资
   计划: 实施效果指标, 过程管理指标) holds the categories one level down: the 二级 cell is then read as
   the 一级 category, and the row has no 二级 breakdown (``level2_code`` ``none``).
3. The 二级 label is looked up among the level-2 labels and aliases (``level2_code`` and the 一级 it
   belongs to, ``level2_parent``). A level-2 entry with ``counts_as`` moves the row: 成本指标 filed
   under 产出指标 (财预〔2015〕88号 practice) is a cost row (``level1_code`` ``cost``).
4. An unknown label gives ``unknown``; a label read through an alias is reported once per project
   (``aliased``), never per row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from g60rules.model import DEFAULT_FORM

_HINT = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


def category_key(text: str) -> str:
    """A category label as compared: NFC, no whitespace, no bracketed hint, ending in 指标."""
    key = "".join(unicodedata.normalize("NFC", text).split())
    key = _HINT.sub("", key).rstrip("：:")
    return key if key.endswith("指标") or not key else key + "指标"


@dataclass(frozen=True)
class Layout:
    """One form: the fields it has (keys of :mod:`g60rules.model`) and the amount costs are checked against."""

    name: str
    title_zh: str
    title_en: str
    project: tuple[str, ...]
    funds: tuple[str, ...]
    indicators: tuple[str, ...]
    amount: str | None = None
    funds_unit: str = "元"


@dataclass(frozen=True)
class Level1:
    code: str
    aliased: bool


@dataclass(frozen=True)
class Level2:
    code: str
    parent: str
    counts_as: str | None
    aliased: bool


@dataclass(frozen=True)
class Reading:
    """Canonical codes of one row; ``aliases`` are the labels read through an alias ("产出值→产出指标")."""

    level1_code: str | None
    level2_code: str | None
    level2_parent: str | None
    aliases: tuple[str, ...] = ()


@dataclass
class Layouts:
    """Every form of a ruleset chain and its category table."""

    forms: dict[str, Layout] = field(default_factory=dict)
    level1: dict[str, Level1] = field(default_factory=dict)
    level2: dict[str, Level2] = field(default_factory=dict)
    groups: frozenset[str] = frozenset()
    standard: dict[tuple[int, str], str] = field(default_factory=dict)  # (level, code) → first label

    def layout(self, form: str | None) -> Layout | None:
        """The layout of ``form`` (the default form when None); None for an unknown name."""
        return self.forms.get(form or DEFAULT_FORM)

    def _alias_note(self, text: str, level: int, code: str) -> str:
        return f"{''.join(text.split())}→{self.standard.get((level, code), code)}"

    def classify(self, level1: str | None, level2: str | None) -> Reading:
        """The canonical codes of a row from its 一级 and 二级 cells; see the module docstring."""
        aliases: list[str] = []
        key1 = category_key(level1) if level1 else None
        key2 = category_key(level2) if level2 else None
        if key1 in self.groups:
            found = self.level1.get(key2) if key2 else None
            if found and found.aliased:
                aliases.append(self._alias_note(level2, 1, found.code))
            code = found.code if found else ("unknown" if level2 else None)
            return Reading(code, "none", None, tuple(aliases))
        first = self.level1.get(key1) if key1 else None
        code1 = None if level1 is None else (first.code if first else "unknown")
        if first and first.aliased:
            aliases.append(self._alias_note(level1, 1, first.code))
        second = self.level2.get(key2) if key2 else None
        code2 = None if level2 is None else (second.code if second else "unknown")
        parent = second.parent if second else None
        if second and second.aliased:
            aliases.append(self._alias_note(level2, 2, second.code))
        if second and second.counts_as and code1 == second.parent:
            code1 = parent = second.counts_as
        return Reading(code1, code2, parent, tuple(aliases))
