"""One report model for every format: the findings of a run, how they group, and what they count.

A :class:`Report` wraps a :class:`~g60rules.engines.pool.ScreenResult` with the ruleset's name, the
language, and — after ``check --compare`` — the findings fixed since the previous report
(:mod:`g60rules.reports.compare`). Every renderer (text, JSON, the CI formats, HTML, xlsx, CSV,
letters) reads the same :class:`Report` and its :attr:`Report.summary`, so the numbers agree across
formats.

Findings fall in four groups (see :func:`groups`): those that count (state ``enforce`` or ``warn``,
neither waived nor baselined), waived, baselined, and shadow-rule findings. Counts by unit and by
rule are of the counted findings. A finding belongs to the unit of its project: 主管部门
(``competent_department``, else the department filing's name) and 实施单位 (``implementing_unit``);
one without either (a file that could not be read) is under :data:`UNKNOWN` in both.
"""

from __future__ import annotations

import re

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from g60rules.engines.pool import ScreenResult
from g60rules.findings import Finding
from g60rules.model import DEPARTMENT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS
from g60rules.rules.compiler import CompiledRuleset

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


def field_label(path: str | None, lang: str) -> str | None:
    """The form's label of a finding's field, or None for a computed one.

    ``value.amount_yuan`` → ``指标值``; in English the key with the label, ``target_value (指标值)``, as
    the declaration may use either.
    """
    if not path:
        return None
    key = re.sub(r"^(project|department)\.", "", path)
    if key.startswith(("count.", "rollup.", "table.", "param.", "dup.", "match.")):
        return None
    if key.startswith("value."):
        key = "target_value"
    parts = key.split(".")
    label = _FIELD_LABELS.get(".".join(parts[:2])) or _FIELD_LABELS.get(parts[0])
    if label is None:
        return None
    return label[0] if lang == "zh" else f"{label[1]} ({label[0]})"


def competent_of(f: Finding, lang: str = "zh") -> str:
    """The finding's 主管部门: as declared by its project, else its department filing's name."""
    return f.competent_department or f.department or UNKNOWN[lang]


def unit_of(f: Finding, lang: str = "zh") -> str:
    """The finding's 实施单位, or :data:`UNKNOWN`."""
    return f.implementing_unit or UNKNOWN[lang]


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
    units: int                 # distinct named 实施单位 among screened project files and findings
    competents: int            # distinct 主管部门 likewise
    counts: dict[str, int]
    apart: dict[str, int]      # waived, baselined, shadow, fixed (baseline entries gone)
    by_rule: list[RuleCount]   # most findings first, errors before warnings on a tie
    by_unit: list[UnitCount]   # most errors first, then most findings
    by_competent: list[UnitCount]
    change: dict[str, int] = field(default_factory=dict)  # with --compare: new, open, fixed

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Report:
    """A run's findings ready to render; ``resolved`` are findings fixed since ``compared_with``."""

    result: ScreenResult
    ruleset: CompiledRuleset
    lang: str = "zh"
    resolved: list[Finding] = field(default_factory=list)
    compared_with: str | None = None
    verbose: bool = False  # text: also the engine, its fallbacks and the rules run beside it

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
    declared = {(c or UNKNOWN[lang], u or UNKNOWN[lang]) for c, u in result.units.values()}
    all_units = declared | set(by_unit)
    units = sorted((UnitCount(c, u, counts(fs), len({f.project or f.file for f in fs}))
                    for (c, u), fs in by_unit.items()), key=_rank)
    competents = sorted((UnitCount(c, None, counts(fs), len({f.project or f.file for f in fs}))
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
        units=len({u for _, u in all_units} - {UNKNOWN[lang]}), competents=len({c for c, _ in all_units} - {UNKNOWN[lang]}),
        counts=counts(counted),
        apart={"waived": len(report.parts["waived"]), "baselined": len(report.parts["baselined"]),
               "shadow": len(report.parts["shadow"]), "fixed": len(result.fixed)},
        by_rule=rules, by_unit=units, by_competent=competents, change=change)


def by_unit(findings: list[Finding], lang: str, by: str = "unit") -> dict[tuple[str, str], dict[str, list[Finding]]]:
    """(主管部门, 实施单位) → project (or file, for a finding without one) → findings, in file order.

    ``by="competent"`` groups by 主管部门 alone (the second key is then ``""``).
    """
    out: dict[tuple[str, str], dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in sorted(findings, key=Finding.sort_key):
        key = (competent_of(f, lang), unit_of(f, lang) if by == "unit" else "")
        out[key][f.project or f.file].append(f)
    return {k: dict(v) for k, v in sorted(out.items())}
