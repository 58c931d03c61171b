"""One report model for every format: the findings of a run, how they group, and what they count.

A :class:`Report` wraps a :class:`~g60rules.engines.pool.ScreenResult` with the ruleset's name, the
language, the PATHs screened (human reports — HTML, xlsx, CSV, letters — name files relative to the
screened folder, :meth:`Report.shown_file`; text and the machine formats keep them relative to the
directory the command ran in, as CI annotations need), and — after ``check --compare`` — the
findings fixed since the previous report (:mod:`g60rules.reports.compare`). Every renderer (text, JSON, the CI formats, HTML, xlsx, CSV,
letters) reads the same :class:`Report` and its :attr:`Report.summary`, so the numbers agree across
formats.

Findings fall in four groups (see :func:`groups`): those that count (state ``enforce`` or ``warn``,
neither waived nor baselined), waived, baselined, and shadow-rule findings. Counts by unit and by
rule are of the counted findings. A finding belongs to the unit of its project: 主管部门
(``competent_department``, else the department filing's name) and 实施单位 (``implementing_unit``);
one without either (a file that could not be read) is under :data:`UNKNOWN` in both. Findings
naming no 实施单位 are counted but never ranked as a unit (:attr:`Summary.ranked`,
:attr:`Summary.unattributed`).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from g60rules.engines.pool import ScreenResult
from g60rules.findings import FILE_CHECKS, Finding
from g60rules.graph import GAP_PARTS
from g60rules.layouts import Layouts
from g60rules.model import DEPARTMENT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS
from g60rules.rules.compiler import CompiledRuleset, bundled_layouts
from g60rules.rules.conditions import And, Cmp, CmpField, Exists, Match, Node, Or
from g60rules.schema import FACTS, MONEY, MONEY_SCALE, FieldType
from g60rules.values import format_yuan

SEVERITIES = ("error", "warning", "info")
_FIELD_LABELS = {
    **{s.key: (s.label, s.key) for s in (*PROJECT_FIELDS, *INDICATOR_FIELDS, *DEPARTMENT_FIELDS)},
    **{f"funds.{s.key}": (s.label, s.key) for s in FUNDS_FIELDS},
}
UNKNOWN = {"zh": "（未注明）", "en": "(not stated)"}


def counts(findings: list[Finding]) -> dict[str, int]:
    """Findings per severity: ``{"error": n, "warning": n, "info": n}``."""
    found = Counter(f.severity.value for f in findings)
    return {s: found.get(s, 0) for s in SEVERITIES}


def groups(findings: list[Finding]) -> dict[str, list[Finding]]:
    """``counted``, ``waived``, ``baselined`` and ``shadow`` findings (module docstring)."""
    out: dict[str, list[Finding]] = {"counted": [], "waived": [], "baselined": [], "shadow": []}
    for f in findings:
        key = "shadow" if f.state == "shadow" else ("counted" if f.status == "new" else f.status)
        out[key].append(f)
    return out


def field_label(path: str | None, lang: str, layouts: Layouts | None = None) -> str | None:
    """The form's label of a finding's field, or None for a computed one without a form label.

    ``value.amount_yuan`` → ``指标值``; ``count.level2.timeliness`` → ``二级指标“时效指标”个数`` (the
    category's label from the ruleset's ``categories`` table, ``layouts``; the bundled one when None).
    In English the identifier in words with the form's label, ``target value (指标值)``, as the
    declaration may use either. Labels come from the field tables of :mod:`g60rules.model` and the
    category table, never from a list of their own.
    """
    if not path:
        return None
    key = re.sub(r"^(project|department)\.", "", path)
    if key.startswith("count."):
        return _count_label(key, lang, layouts)
    if key.startswith(("rollup.", "table.", "param.", "dup.", "match.")):
        return None
    if key.startswith("value."):
        key = "target_value"
    parts = key.split(".")
    label = _FIELD_LABELS.get(".".join(parts[:2]))
    if label is None and (len(parts) == 1 or parts[-1] in ("raw", "precision")):
        # the field itself, or how it was written; never a figure computed from it (funds.project_gap,
        # period.count), which the form has no label for
        label = _FIELD_LABELS.get(parts[0])
    if label is None:
        return None
    return label[0] if lang == "zh" else f"{label[1].replace('_', ' ')} ({label[0]})"


def _count_label(key: str, lang: str, layouts: Layouts | None) -> str | None:
    """``count.level1.benefit`` → 一级指标“效益指标”个数; ``count.indicators`` → 绩效指标行数."""
    if key == "count.indicators":
        label = _FIELD_LABELS["indicators"][0]
        return f"{label}行数" if lang == "zh" else f"number of indicator rows ({label})"
    found = _category(key, layouts or bundled_layouts())
    if found is None:
        return None
    parent, name, code = found
    return f"{parent}“{name}”个数" if lang == "zh" else f"number of {name} rows ({parent}, {code})"


def _category(path: str, layouts: Layouts) -> tuple[str, str, str] | None:
    """``count.level2.timeliness`` → (二级指标, 时效指标, timeliness): the level's label, the
    category's name in the ruleset's ``categories`` table, its code; None for what is no category
    of the form (unknown, none) or no category count."""
    found = re.fullmatch(r"count\.level([12])\.(\w+)", _bare(path))
    if found is None:
        return None
    name = layouts.standard.get((int(found.group(1)), found.group(2)))
    if name is None:
        return None
    return _FIELD_LABELS[f"level{found.group(1)}"][0], name, found.group(2)


_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_ONE_OF = {"zh": ("属于 {v}", "不属于 {v}", "、"), "en": ("one of {v}", "none of {v}", ", ")}
FILE_CHECK_IDS = frozenset(c.rule_id for c in FILE_CHECKS)


def _held(node: Node) -> list[Node]:
    """The leaves that held whenever ``node`` held: those reached through ``and`` alone (which
    alternative of an ``or`` fired is not known from the finding)."""
    if isinstance(node, And):
        return [leaf for item in node.items for leaf in _held(item)]
    return [] if isinstance(node, Or) else [node]


def _constant(value: float | str, ftype: FieldType | None) -> str:
    if ftype is MONEY and isinstance(value, (int, float)):
        return format_yuan(Decimal(int(value)) / MONEY_SCALE) + " 元"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def condition_text(f: Finding, ruleset: CompiledRuleset, lang: str) -> str | None:
    """What the finding's value was compared with, in words: ``指标值 > 100`` for a rule that fires
    on 指标值 above 100, ``年度资金申请总额 > 项目资金总额`` for one comparing two fields (reports
    put it after 触发条件 / "flagged when").

    Only comparisons on the finding's field (or a field of the same form label) that held whenever
    the rule fired; None when there is none (a file check, a pattern, a missing value, an ``or``).
    """
    label = field_label(f.field, lang, ruleset.layouts)
    if label is None or f.rule_id in FILE_CHECK_IDS:
        return None
    try:
        rule = ruleset.rule(f.rule_id)
    except KeyError:
        return None
    types = FACTS.get(rule.applies_to, {})
    own = _bare(f.field)
    parts = []
    for leaf in _held(rule.condition):
        if isinstance(leaf, (Exists, Match)) or field_label(leaf.field, lang, ruleset.layouts) != label:
            continue
        ftype = types.get(leaf.field)
        if ftype is not None and ftype.name == "code":  # an internal code (percent, empty…) says nothing to a person
            continue
        # another field of the same label (指标值's unit beside its amount) only when it is a quantity
        if _bare(leaf.field) != own and not (ftype is not None and ftype.ordered):
            continue
        if isinstance(leaf, Cmp):
            parts.append(f"{label} {_SYMBOL[leaf.op]} {_constant(leaf.value, ftype)}")
        elif isinstance(leaf, CmpField):
            other = field_label(leaf.other, lang, ruleset.layouts)
            if other is not None and other != label:
                parts.append(f"{label} {_SYMBOL[leaf.op]} {other}")
        else:
            yes, no, sep = _ONE_OF[lang]
            parts.append(f"{label} " + (no if leaf.negate else yes).format(
                v=sep.join(_constant(v, ftype) for v in leaf.values)))
    return ("，" if lang == "zh" else ", ").join(parts) or None


def _bare(path: str | None) -> str:
    return re.sub(r"^(project|department)\.", "", path or "")


@dataclass(frozen=True)
class Shown:
    """A finding's value as a person reads it: the form's label of its field, the value as the
    declaration wrote it (an amount as read, in 元), and what it was compared with (each None when
    there is nothing to say) — for a finding on a cell. A finding on a figure computed from the
    form (a count of rows, a gap between amounts, a roll-up) holds no cell to edit: it has ``todo``
    instead, what to do in the unit's terms, and no label, value or condition."""

    label: str | None
    value: str | None
    condition: str | None
    todo: str | None = None


_TODO = {
    "zh": {"add": "需补充：{items}（至少一项）", "add_each": "需补充：{items}（各至少一项）", "sep": "、",
           "check": "请核对并修改：{items}（须相互一致）"},
    "en": {"add": "add at least one {items} row", "add_each": "add at least one row of each of {items}",
           "sep": ", ", "check": "check and correct {items} (they must agree)"},
}


def _category_name(path: str, lang: str, layouts: Layouts) -> str | None:
    """``count.level2.timeliness`` → 二级指标“时效指标” (English: 时效指标 (二级指标)), or None."""
    found = _category(path, layouts)
    if found is None:
        return None
    parent, name, _ = found
    return f"{parent}“{name}”" if lang == "zh" else f"{name} ({parent})"


def _missing(node: Node, lang: str, layouts: Layouts) -> tuple[list[str], bool]:
    """The categories whose count the rule requires to be 0 (``eq 0``, ``le 0``, ``lt 1``), and
    whether each of them is needed: the rule fires when any of an ``or`` is missing, so each is
    needed; when all of an ``and`` are missing, so one is enough."""
    if isinstance(node, (And, Or)):
        found = [part for part in (_missing(item, lang, layouts) for item in node.items) if part[0]]
        if len(found) == 1:  # the other items are guards (rows of output exist, no unknown category)
            return found[0]
        return list(dict.fromkeys(n for names, _ in found for n in names)), isinstance(node, Or)
    if isinstance(node, Cmp) and (node.op, node.value) in (("eq", 0), ("le", 0), ("lt", 1)):
        name = _category_name(node.field, lang, layouts)
        return ([name] if name else []), False
    return [], False


def todo_text(f: Finding, ruleset: CompiledRuleset, lang: str) -> str | None:
    """What a unit does about a finding on a computed figure (:class:`Shown`): the categories of
    indicator rows to add for a count (``需补充：二级指标“时效指标”（至少一项）``), the cells a gap
    is computed from for a finding on a gap, its own or its rule's (:func:`_gap`:
    ``请核对并修改：项目资金总额、财政资金、其他资金（须相互一致）``);
    None when there is nothing more to say than the message."""
    words, key = _TODO[lang], _bare(f.field)
    if key.startswith("count."):
        try:
            rule = ruleset.rule(f.rule_id)
        except KeyError:
            return None
        names, each = _missing(rule.condition, lang, ruleset.layouts)
        if not names:
            return None
        if len(names) == 1:
            return words["add"].format(items=names[0])
        return words["add_each" if each else "add"].format(
            items=(words["sep"] if each else ("或" if lang == "zh" else " or ")).join(names))
    gap = _gap(f, ruleset)
    if gap is not None:
        labels = [field_label(part, lang, ruleset.layouts) for part in GAP_PARTS[gap]]
        return words["check"].format(items=words["sep"].join(dict.fromkeys(x for x in labels if x)))
    return None


def _gap(f: Finding, ruleset: CompiledRuleset) -> str | None:
    """The gap between amounts (:data:`g60rules.graph.GAP_PARTS`) a finding is about: its own field,
    or one its rule compares whenever it fires (a rule on ``funds.project_gap`` pointing at
    项目资金总额 is about the three amounts, not that one cell)."""
    key = _bare(f.field)
    if key in GAP_PARTS:
        return key
    try:
        rule = ruleset.rule(f.rule_id)
    except KeyError:
        return None
    return next((_bare(leaf.field) for leaf in _held(rule.condition)
                 if isinstance(leaf, (Cmp, CmpField)) and _bare(leaf.field) in GAP_PARTS), None)


def shown(f: Finding, report: Report) -> Shown:
    """:class:`Shown` of ``f``; the internal field path and a file check's fingerprint stay out
    (they are for machine formats and baselines)."""
    if f.rule_id in FILE_CHECK_IDS:  # its value is what the problem is about, already in the message
        return Shown(None, None, None)
    label = field_label(f.field, report.lang, report.ruleset.layouts)
    if f.field and (label is None or _bare(f.field).startswith("count.") or _gap(f, report.ruleset)):
        # a computed figure: no cell holds its value, so none is shown as if written
        return Shown(None, None, None, todo_text(f, report.ruleset, report.lang))
    value = f.value or None
    if value and any(kind.get(f.field or "") is MONEY for kind in FACTS.values()):
        value += " 元"  # money is shown in 元 (万元 converted), so the unit is said
    return Shown(label, value, condition_text(f, report.ruleset, report.lang))


def attribution(f: Finding) -> tuple[str | None, str | None]:
    """The finding's (主管部门, 实施单位), each None when not stated: 主管部门 as declared by its
    project, else its department filing's name. Every format, human or machine, names units by it."""
    return f.competent_department or f.department or None, f.implementing_unit or None


def competent_of(f: Finding, lang: str = "zh") -> str:
    """The finding's 主管部门 (:func:`attribution`), or :data:`UNKNOWN`."""
    return attribution(f)[0] or UNKNOWN[lang]


def unit_of(f: Finding, lang: str = "zh") -> str:
    """The finding's 实施单位 (:func:`attribution`), or :data:`UNKNOWN`."""
    return attribution(f)[1] or UNKNOWN[lang]


def finding_dict(f: Finding, lang: str) -> dict:
    """``f.to_dict(lang)`` with 主管部门 and 实施单位 as every other format names them (:func:`attribution`):
    a project listed by a department file whose own YAML names no 主管部门 carries the department's."""
    competent, unit = attribution(f)
    return {**f.to_dict(lang), "competent_department": competent, "implementing_unit": unit}


@dataclass(frozen=True)
class UnitCount:
    """Counted findings of one unit: 主管部门, 实施单位 (``None`` when counting by 主管部门 alone)."""

    competent: str
    unit: str | None
    counts: dict[str, int]
    projects: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RuleCount:
    """Counted findings of one rule."""

    rule_id: str
    title: str
    severity: str
    basis: str
    count: int
    units: int


@dataclass(frozen=True)
class Summary:
    """What every report's summary shows; counts are of the counted findings."""

    files: int
    declarations: int
    units: int                 # distinct (主管部门, named 实施单位) among screened projects and findings
    competents: int            # distinct 主管部门 likewise
    counts: dict[str, int]
    apart: dict[str, int]      # waived, baselined, shadow, fixed (baseline entries gone)
    by_rule: list[RuleCount]   # most findings first, errors before warnings on a tie
    by_unit: list[UnitCount]   # most errors first, then most findings
    by_competent: list[UnitCount]
    unreadable: int = 0        # files that gave no declaration (``ScreenResult.unreadable``)
    # counted findings that name no 实施单位 (an unreadable file, a department file's own problems):
    # counted and listed, never ranked as a unit
    unattributed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    change: dict[str, int] = field(default_factory=dict)  # with --compare: new, open, fixed

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ranked(self) -> list[UnitCount]:
        """:attr:`by_unit` without the findings that name no 实施单位: the units a summary ranks."""
        return [u for u in self.by_unit if u.unit not in UNKNOWN.values()]


@dataclass
class Report:
    """A run's findings ready to render; ``resolved`` are findings fixed since ``compared_with``."""

    result: ScreenResult
    ruleset: CompiledRuleset
    lang: str = "zh"
    resolved: list[Finding] = field(default_factory=list)
    compared_with: str | None = None
    verbose: bool = False  # text: also the engine, its fallbacks and the rules run beside it
    roots: tuple[str, ...] = ()  # the PATHs screened, as given (and displayed): see :meth:`shown_file`
    cache: str | None = None  # the --cache directory, when one was used

    @cached_property
    def _base(self) -> str | None:
        """The folder human reports name files from: the screened folder itself when one was given,
        the folder of the one file given, else the folder all the PATHs given lie in (so each keeps
        its name); None without PATHs (files are named as findings hold them)."""
        full = [os.path.abspath(root) for root in self.roots]
        if not full:
            return None
        if len(full) == 1:
            return full[0] if os.path.isdir(full[0]) else os.path.dirname(full[0])
        try:
            return os.path.commonpath([os.path.dirname(root) for root in full])
        except ValueError:  # PATHs on different drives (Windows): no folder holds them all
            return None

    def shown_file(self, file: str) -> str:
        """``file`` (as findings hold it: relative to the directory the command ran in, which a
        machine format keeps for CI annotations) as a person who sent it knows it — relative to the
        screened folder (:attr:`_base`): ``d0012/p03.yaml`` for ``../../season/d0012/p03.yaml`` of
        ``check ../../season``. A file outside that folder is named from it (``../other/p.yaml``);
        a folder keeps its closing ``/``."""
        if self._base is None:
            return file
        try:
            shown = os.path.relpath(os.path.abspath(file), self._base)
        except ValueError:  # another drive (Windows)
            return file
        return shown + "/" if file.endswith(("/", os.sep)) and not shown.endswith("/") else shown

    @cached_property
    def parts(self) -> dict[str, list[Finding]]:
        return groups(self.result.findings)

    @property
    def counted(self) -> list[Finding]:
        return self.parts["counted"]

    @cached_property
    def summary(self) -> Summary:
        return summarise(self)


def _rank(item: UnitCount) -> tuple:
    return (-item.counts["error"], -item.total, item.competent, item.unit or "")


def summarise(report: Report) -> Summary:
    """The :class:`Summary` of ``report`` (every count written out; see the module docstring)."""
    lang, result, counted = report.lang, report.result, report.counted
    by_unit: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    by_competent: dict[str, list[Finding]] = defaultdict(list)
    for f in counted:
        by_unit[(competent_of(f, lang), unit_of(f, lang))].append(f)
        by_competent[competent_of(f, lang)].append(f)
    # every project's own unit: a workbook may hold projects of several units
    declared = {(c or UNKNOWN[lang], u or UNKNOWN[lang]) for pairs in result.units.values() for c, u in pairs}
    all_units = declared | set(by_unit)
    # a project is its file and its name (a workbook may hold several; two units may each file a
    # project of the same name): counted by name alone, a 主管部门 would count fewer than its units
    units = sorted((UnitCount(c, u, counts(fs), len({(f.file, f.project) for f in fs}))
                    for (c, u), fs in by_unit.items()), key=_rank)
    competents = sorted((UnitCount(c, None, counts(fs), len({(f.file, f.project) for f in fs}))
                         for c, fs in by_competent.items()), key=_rank)
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in counted:
        by_rule[f.rule_id].append(f)
    rules = sorted((RuleCount(rule, fs[0].title(lang), fs[0].severity.value, fs[0].basis, len(fs),
                              len({(competent_of(f, lang), unit_of(f, lang)) for f in fs}))
                    for rule, fs in by_rule.items()),
                   key=lambda r: (-r.count, -SEVERITIES[::-1].index(r.severity), r.rule_id))
    change: dict[str, int] = {}
    if report.compared_with is not None:
        marks = Counter(f.change for f in counted)
        change = {"new": marks.get("new", 0), "open": marks.get("open", 0), "fixed": len(report.resolved)}
    return Summary(
        files=len(result.files), declarations=result.declarations,
        # （未注明） collects what names no unit: it is not one
        # a unit is its (主管部门, 实施单位) pair, as in by_unit, the sheets and the letters: one name
        # under two 主管部门 is two units, each sent its own letter
        units=len({(c, u) for c, u in all_units if u != UNKNOWN[lang]}), competents=len({c for c, _ in all_units} - {UNKNOWN[lang]}),
        counts=counts(counted),
        apart={"waived": len(report.parts["waived"]), "baselined": len(report.parts["baselined"]),
               "shadow": len(report.parts["shadow"]), "fixed": len(result.fixed)},
        by_rule=rules, by_unit=units, by_competent=competents, unreadable=len(result.unreadable),
        unattributed=counts([f for f in counted if attribution(f)[1] is None]), change=change)


def by_unit(findings: list[Finding], lang: str, by: str = "unit", shown_file=lambda file: file
            ) -> dict[tuple[str, str], dict[str, list[Finding]]]:
    """(主管部门, 实施单位) → project (or file, for a finding without one, as ``shown_file`` names it:
    :meth:`Report.shown_file`) → findings, in file order.

    ``by="competent"`` groups by 主管部门 alone (the second key is then ``""``).
    """
    out: dict[tuple[str, str], dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in sorted(findings, key=Finding.sort_key):
        key = (competent_of(f, lang), unit_of(f, lang) if by == "unit" else "")
        out[key][f.project or shown_file(f.file)].append(f)
    return {k: dict(v) for k, v in sorted(out.items())}
