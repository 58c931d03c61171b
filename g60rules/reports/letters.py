"""Return letters: one document per 实施单位 (or per 主管部门) saying, project by project, what to fix.

Each letter lists the counted findings of its unit's projects (waived, baselined and shadow-rule
findings are not sent) in plain language: what is wrong (the finding's message), where (file, sheet › cell or line,
indicator row), the basis document, and what to do — by severity (error: must be corrected before
resubmission; warning: check and complete; info: for reference), the form's field to change (its
label on the form, :func:`g60rules.reports.summary.field_label`), the value as written and what it
was compared with. Nothing else: the rule's reason (``why``) is written for reviewers and policy
staff (how a threshold was chosen, who extends a word list) and stays with the rule (``g60rules
explain``, docs/rules.md); a built-in file check's basis is the form's filing requirement, never the tool. A finding on a figure computed from the
form (a count of rows, a gap) has no cell to change: the letter says what to add or check instead
(:attr:`g60rules.reports.summary.Shown.todo`). Cells present but unreadable are asked for again,
named by their labels. Where says the file's line (文件第 N 行) apart from the indicator's row in
the indicator table (指标表第 N 行), as the messages count rows. After
``--compare``, items are marked new or still open and the findings fixed since are listed as done.

Written as .docx (python-docx) and .html (jinja2, autoescaped, self-contained) side by side, one pair
per unit, named after the unit — with its 主管部门 when another unit has the same name — and safe on
Windows too (:func:`file_names`). Units without a counted finding get no letter. Beside them, :data:`INDEX`
lists the letters and the files nothing was screened in. Each .docx carries the mark of
:mod:`g60rules.own_output`, so letters saved among the submissions are never screened as one.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


from g60rules import __version__
from g60rules.findings import MISSING_PROJECT_FILE, OWN_OUTPUT, UNREADABLE, Finding, basis_document
from g60rules.gate import UNSCREENED
from g60rules.engines.workers import WorkerPool
from g60rules.own_output import CATEGORY
from g60rules.progress import SILENT, Progress
from g60rules.reports.html import environment
from g60rules.reports.summary import UNKNOWN, Report, by_unit, counts, shown
from g60rules.sanitize import plain

BY = ("unit", "competent")

_LABELS = {
    "zh": {
        "title": "绩效目标申报审核意见", "to": "{name}{under}：",
        "to_competent": "（主管部门：{name}）",
        "intro": "经审核，贵单位报送的 {projects} 个项目的绩效目标申报表共有 {total} 处问题（错误 {error} 处，"
                 "警告 {warning} 处，提示 {info} 处）。请按以下意见逐项修改；标为“错误”的须修改后重新报送。",
        "intro_unattributed": "以下 {projects} 个文件未注明主管部门和实施单位（无法读取，或不是申报表），共有 {total} 处问题"
                              "（错误 {error} 处，警告 {warning} 处，提示 {info} 处）。请核实报送单位，由其按以下意见修改后重新报送。",
        "intro_compared": "与上次审核相比：新问题 {new} 处，仍未修改 {open} 处，已修改 {fixed} 处。",
        "project": "项目：{name}", "file": "申报文件：{file}",
        "colon": "：", "where": "位置", "line": "文件第 {line} 行", "file_line": "（文件第 {line} 行）", "row": "指标表第 {row} 行", "whole_file": "整个文件", "basis": "依据", "todo": "修改要求",
        "field": "需修改的栏目：{label}", "value": "填报值：{value}", "fires": "（触发条件：{condition}）",
        "unreadable": "以下单元格无法识别，请核对并重新提交清晰的原表：{cells}", "more": "{todo}",
        "action": {"error": "错误，须修改后重新报送。", "warning": "警告，请核实并完善。", "info": "提示，供参考。"},
        "change": {"new": "（新问题）", "open": "（上次已指出，仍未修改）"},
        "fixed": "已修改，无须再改：", "closing": "特此函告。", "sign": "（审核单位）",
        "generated": "本函由 g60rules 根据规则集 {ruleset} 生成，问题说明与依据逐条对应，可据此复核。",
        "index_title": "回函目录", "index_intro": "共 {n} 份回函（规则集 {ruleset}）。",
        "not_read": "无法读取的文件 {n} 个", "missing": "部门文件列出但不存在的项目文件 {n} 个", "index_letters": "回函",
        "not_read_hint": "以下文件未能读取或不是申报表，其中的项目没有筛查；请核实后重新报送。",
        "file_head": "文件", "why_head": "原因", "recipient_head": "收函单位", "competent_head": "主管部门",
        "error_head": "错误", "warning_head": "警告", "info_head": "提示", "files_head": "文件",
        "own": "本工具生成的文件（未作为申报表筛查）",
    },
    "en": {
        "title": "Performance-target declarations: review findings", "to": "To {name}{under}:",
        "to_competent": " (competent department: {name})",
        "intro": "We reviewed the performance-target declarations of your {projects} projects and found {total} "
                 "problems ({error} errors, {warning} warnings, {info} infos). Please correct them as set out below; "
                 "errors must be corrected before you resubmit.",
        "intro_unattributed": "The {projects} files below name no competent department or implementing unit (they could "
                              "not be read, or are not declarations); they have {total} problems ({error} errors, {warning} "
                              "warnings, {info} infos). Find out who sent them and have them corrected and resubmitted.",
        "intro_compared": "Since the previous review: {new} new, {open} still open, {fixed} fixed.",
        "project": "Project: {name}", "file": "Declaration file: {file}",
        "colon": ": ", "where": "Where", "line": "file line {line}", "file_line": " (file line {line})", "row": "indicator-table row {row}", "whole_file": "the whole file", "basis": "Basis", "todo": "To do",
        "field": " Field to change: {label}.", "value": "Value as written: {value}", "fires": " (flagged when {condition})",
        "unreadable": "These cells could not be read; check them and resubmit a legible form: {cells}",
        "more": " {todo}.",
        "action": {"error": "error: correct it before resubmitting.", "warning": "warning: check and complete it.",
                   "info": "info: for reference."},
        "change": {"new": " (new)", "open": " (pointed out before, still open)"},
        "fixed": "Fixed, nothing more to do:", "closing": "Yours faithfully,", "sign": "(reviewing office)",
        "generated": "Written by g60rules from ruleset {ruleset}; each message names its basis so it can be checked.",
        "index_title": "Return letters", "index_intro": "{n} letters (ruleset {ruleset}).",
        "not_read": "{n} files unreadable", "missing": "{n} project files listed by a department but missing", "index_letters": "Letters",
        "not_read_hint": "These files could not be read or are not declarations; nothing in them was screened. "
                         "Find out why and have them resubmitted.",
        "file_head": "File", "why_head": "Why", "recipient_head": "To", "competent_head": "Competent department",
        "error_head": "Errors", "warning_head": "Warnings", "info_head": "Infos", "files_head": "Files",
        "own": "Files written by g60rules (not screened as declarations)",
    },
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@dataclass
class Item:
    """One finding as a letter says it."""

    finding: Finding
    place: str  # where, as the letter says it: the cell of a table file, else the line; plus the context
    action: str
    field: str | None      # the form's label of the field to change
    value: str | None      # the value as written
    condition: str | None  # what it was compared with (summary.condition_text)
    todo: str | None = None  # what to do when no cell holds the figure (summary.Shown.todo)

    def shown(self, labels: dict) -> str | None:
        """``填报值：≥80(%)（触发条件：指标值 < 85）``, or None when there is no value to show."""
        if not self.value:
            return None
        text = labels["value"].format(value=self.value)
        return text + labels["fires"].format(condition=self.condition) if self.condition else text


@dataclass
class Letter:
    """One letter: the recipient and, per project, the items to fix and the ones fixed since."""

    recipient: str
    competent: str
    projects: list[tuple[str, str, list[Item]]] = field(default_factory=list)  # (name, file, items)
    fixed: dict[str, list[Item]] = field(default_factory=dict)  # project → fixed items
    counts: dict[str, int] = field(default_factory=dict)
    change: dict[str, int] = field(default_factory=dict)
    unattributed: bool = False  # files without 主管部门 or 实施单位 (unreadable, not a declaration)

    def intro(self, labels: dict) -> str:
        """The opening sentence: projects of a unit, or files no unit could be named for."""
        text = labels["intro_unattributed" if self.unattributed else "intro"]
        return text.format(projects=len(self.projects), total=sum(self.counts.values()), **self.counts)


def _context(f: Finding, labels: dict) -> str:
    """Sheet › cell › project › 指标表第 N 行「indicator」: the row counted in the indicator table, as
    the messages count it, never to be read as the file's line."""
    parts = [p for p in (f.cell, f.project) if p]
    if f.row is not None:
        row = labels["row"].format(row=f.row)
        parts.append(f"{row}「{f.indicator}」" if f.indicator else row)
    return plain(" › ".join(parts))


def _item(f: Finding, report: Report) -> Item:
    labels = _LABELS[report.lang]
    context = _context(f, labels)
    if f.cell:  # the cell names the row already
        place = context
    elif f.rule_id == UNREADABLE.rule_id:  # a file that could not be read has no line to point at
        place = labels["whole_file"]
    else:
        place = (context + labels["file_line"].format(line=f.line)) if context else labels["line"].format(line=f.line)
    human = shown(f, report)
    if f.field == "unreadable" and f.value:
        # the cells present but unreadable: the unit resubmits them legibly; the rule's reason tells
        # the reviewer how such a finding is handled, which is not the unit's business
        return Item(f, place, labels["action"][f.severity.value], None, None, None,
                    labels["more"].format(todo=labels["unreadable"].format(cells=f.value)))
    return Item(f, place, labels["action"][f.severity.value], human.label, human.value, human.condition,
                labels["more"].format(todo=human.todo) if human.todo else None)


def letters(report: Report, by: str = "unit") -> list[Letter]:
    """The letters of ``report``, grouped by 实施单位 (``by="unit"``) or 主管部门 (``"competent"``)."""
    if by not in BY:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(BY)}")
    def grouped(findings: list[Finding]) -> dict[tuple[str, str], dict[str, list[Finding]]]:
        return _addressed(by_unit(findings, report.lang, by, report.shown_file), report.lang)

    resolved = grouped(report.resolved)
    out = []
    # a report or letter found among the submissions concerns the reviewer, not a unit
    to_send = [f for f in report.counted if f.rule_id != OWN_OUTPUT.rule_id]
    for (competent, unit), projects in grouped(to_send).items():
        letter = Letter(recipient=unit or competent, competent=competent)
        found = [f for fs in projects.values() for f in fs]
        letter.unattributed = not any(f.competent_department or f.department or f.implementing_unit for f in found)
        for name, fs in projects.items():
            letter.projects.append((name, report.shown_file(fs[0].file), [_item(f, report) for f in fs]))
        for name, fs in resolved.get((competent, unit), {}).items():
            letter.fixed[name] = [_item(f, report) for f in fs]
        letter.counts = counts(found)
        if report.compared_with is not None:
            letter.change = {"new": sum(f.change == "new" for f in found), "open": sum(f.change == "open" for f in found),
                             "fixed": sum(len(v) for v in letter.fixed.values())}
        out.append(letter)
    return out


def _addressed(tree: dict[tuple[str, str], dict[str, list[Finding]]], lang: str
               ) -> dict[tuple[str, str], dict[str, list[Finding]]]:
    """Findings that name a 主管部门 but no 实施单位 — its department filing (部门汇总), or a project that
    left 实施单位 empty — are the 主管部门's to answer: they go into its own letter, never into one
    addressed to “（未注明）”."""
    out: dict[tuple[str, str], dict[str, list[Finding]]] = {}
    for (competent, unit), projects in tree.items():
        key = (competent, competent) if unit == UNKNOWN[lang] and competent != UNKNOWN[lang] else (competent, unit)
        merged = out.setdefault(key, {})
        for name, fs in projects.items():
            merged.setdefault(name, []).extend(fs)
    return {key: dict(sorted(projects.items(), key=lambda item: item[1][0].sort_key()))
            for key, projects in sorted(out.items())}


# names Windows keeps for devices, whatever the extension (CON.docx is the console)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{d}{n}" for d in ("COM", "LPT") for n in "123456789¹²³")}
NAME_BYTES = 200  # a file name's stem, in UTF-8 bytes: within 255 bytes (Linux) and 255 UTF-16 units (Windows)


def _safe(name: str, limit: int = NAME_BYTES) -> str:
    """``name`` as a file name stem on any system: characters Windows forbids (and control characters)
    become ``_``, no leading or trailing space or dot, no device name, at most ``limit`` UTF-8 bytes."""
    text = _UNSAFE.sub("_", name[:limit]).strip(" .")  # a character takes a byte at least
    while len(text.encode("utf-8")) > limit:
        text = text[:-1].rstrip(" .")
    if text.split(".")[0].rstrip(" ").upper() in _RESERVED:
        text = f"_{text}"
    return text


def file_names(to_send: list[Letter], lang: str = "zh") -> list[str]:
    """A file name stem per letter, in order: the recipient's name; a 实施单位 whose name another
    recipient shares (under another 主管部门) is named with its 主管部门 too — ``区图书馆（区文化局）`` —
    so a clerk tells the letters apart by name. Names are :func:`_safe`; two that still coincide
    (ignoring case, as Windows does) get ``-2``, ``-3``…, and none is :data:`INDEX`'s."""
    def key(name: str) -> str:
        return _safe(name).lower()

    shared = Counter(key(letter.recipient) for letter in to_send)
    template = "{unit}（{competent}）" if lang == "zh" else "{unit} ({competent})"
    used = {INDEX.removesuffix(".html")}
    out = []
    for letter in to_send:
        name = _safe(letter.recipient) or "unit"
        if shared[key(letter.recipient)] > 1 and letter.competent != letter.recipient:
            competent = _safe(letter.competent, NAME_BYTES // 3)
            room = NAME_BYTES - len(template.format(unit="", competent=competent).encode("utf-8"))
            name = _safe(template.format(unit=_safe(letter.recipient, room), competent=competent))
        candidate, n = name, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{name}-{n}"
        used.add(candidate.lower())
        out.append(candidate)
    return out


def _salutation(letter: Letter, labels: dict) -> str:
    under = labels["to_competent"].format(name=letter.competent) if letter.competent != letter.recipient else ""
    return labels["to"].format(name=letter.recipient, under=under)


_STYLES = ("Normal", "Heading 1", "Heading 2", "List Bullet")  # the styles a letter uses
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def _template() -> bytes:
    """The letter template as .docx bytes, built once per process from python-docx's default document.

    The default holds 164 styles (100 of them table styles) in ``styles.xml`` and the same again in
    ``stylesWithEffects.xml``: about 900 KB of XML that opening and saving parsed, wrote and
    compressed again for every letter — most of a letter's cost. The template keeps the styles a
    letter uses (:data:`_STYLES`), the default of each kind and those they name (based on, next,
    linked), drops ``stylesWithEffects.xml`` (Word rebuilds it), and sets the body font (SimSun).
    """
    from docx import Document  # python-docx, here: screening workers forked from the CLI never load it
    from docx.shared import Pt

    doc = Document()
    styles = doc.styles.element
    by_id = {s.get(f"{_W}styleId"): s for s in styles.iterchildren(f"{_W}style")}
    wanted = [sid for sid, s in by_id.items()
              if s.get(f"{_W}default") == "1" or s.find(f"{_W}name").get(f"{_W}val").lower() in
              {name.lower() for name in _STYLES}]
    keep: set[str] = set()
    while wanted:
        sid = wanted.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        wanted += [ref.get(f"{_W}val") for tag in ("basedOn", "next", "link")
                   for ref in by_id[sid].iterchildren(f"{_W}{tag}")]
    for sid, element in by_id.items():
        if sid not in keep:
            styles.remove(element)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(f"{_W}eastAsia", "SimSun")
    # the mark intake knows its own outputs by (g60rules.own_output): never screened as a declaration
    doc.core_properties.category = CATEGORY
    doc.core_properties.comments = f"g60rules {__version__}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_docx(letter: Letter, report: Report, path: Path) -> None:
    """Write one letter as a Word document (on :func:`_template`)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    labels = _LABELS[report.lang]
    doc = Document(io.BytesIO(_template()))
    doc.core_properties.title = labels["title"]
    # style objects, not names: python-docx looks a name up by scanning every style, each time
    heading1, heading2 = doc.styles["Heading 1"], doc.styles["Heading 2"]
    bullet = doc.styles["List Bullet"]
    heading = doc.add_paragraph(labels["title"], style=heading1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_salutation(letter, labels))
    doc.add_paragraph(letter.intro(labels))
    if letter.change:
        doc.add_paragraph(labels["intro_compared"].format(**letter.change))
    for name, file, items in letter.projects:
        doc.add_paragraph(labels["project"].format(name=name), style=heading2)
        doc.add_paragraph(labels["file"].format(file=file)).runs[0].font.color.rgb = RGBColor(0x55, 0x5F, 0x6B)
        for number, item in enumerate(items, start=1):
            f = item.finding
            # one paragraph per finding, its details on lines of their own under a hanging number:
            # a paragraph per detail line cost python-docx about a quarter of the letter's time
            paragraph = doc.add_paragraph(f"{number}. ")
            paragraph.paragraph_format.left_indent = Pt(24)
            paragraph.paragraph_format.first_line_indent = Pt(-24)
            paragraph.add_run(f.message(report.lang)).bold = f.severity.value == "error"
            if f.change in labels["change"]:
                paragraph.add_run(labels["change"][f.change])
            colon = labels["colon"]
            detail = [f"{labels['where']}{colon}{item.place}", f"{labels['basis']}{colon}{basis_document(f.basis, report.lang)}",
                      f"{labels['todo']}{colon}{item.action}" + (labels["field"].format(label=item.field)
                                                                 if item.field else "") + (item.todo or "")]
            if item.shown(labels):
                detail.insert(1, item.shown(labels))
            for text in detail:
                line = paragraph.add_run()
                line.add_break()
                line.add_text(text)
        if name in letter.fixed:
            doc.add_paragraph(labels["fixed"])
            for item in letter.fixed[name]:
                doc.add_paragraph(item.finding.message(report.lang), style=bullet)
    for name, items in letter.fixed.items():
        if name not in {p for p, _, _ in letter.projects}:
            doc.add_paragraph(labels["project"].format(name=name), style=heading2)
            doc.add_paragraph(labels["fixed"])
            for item in items:
                doc.add_paragraph(item.finding.message(report.lang), style=bullet)
    doc.add_paragraph(labels["closing"])
    doc.add_paragraph(labels["sign"]).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = doc.add_paragraph(labels["generated"].format(ruleset=report.ruleset.name))
    note.runs[0].font.size = Pt(9)
    doc.save(str(path))


def to_html(letter: Letter, report: Report) -> str:
    """One letter as a self-contained HTML page."""
    project_names = {p for p, _, _ in letter.projects}
    return environment().get_template("letter.html.j2").render(
        letter=letter, labels=_LABELS[report.lang], lang=report.lang, ruleset=report.ruleset.name,
        salutation=_salutation(letter, _LABELS[report.lang]), version=__version__,
        orphans={name: items for name, items in letter.fixed.items() if name not in project_names})


INDEX = "index.html"


def not_read(report: Report) -> list[Finding]:
    """One finding per file the run found but could not screen (``report.result.unreadable``, the
    count ``check`` prints as 无法读取), the reason first (:data:`g60rules.gate.UNSCREENED`), in file order."""
    unreadable = set(report.result.unreadable)
    seen: dict[str, Finding] = {}
    ordered = sorted(report.result.findings, key=lambda f: (f.rule_id not in UNSCREENED, Finding.sort_key(f)))
    for f in ordered:
        if f.file in unreadable and f.file not in seen:
            seen[f.file] = f
    return sorted(seen.values(), key=Finding.sort_key)


def missing_listed(report: Report) -> list[Finding]:
    """Project files a department lists that do not exist (G60-FILE-007): not screened either, but
    not files of the season, so counted apart from :func:`not_read` (as ``check`` does)."""
    return sorted((f for f in report.result.findings if f.rule_id == MISSING_PROJECT_FILE.rule_id),
                  key=Finding.sort_key)


LETTERS_PER_CHUNK = 8  # letters a worker writes per message
SECONDS_PER_CHUNK = 600.0


class _LetterWork:
    """A worker's state for :func:`write_letters`: the run's letters, each written on request by its
    index to ``directory`` under the name chosen by the parent."""

    def __init__(self, report: Report, to_write: list[tuple[Letter, str]], directory: Path):
        self.report, self.to_write, self.directory = report, to_write, directory

    def write(self, index: int) -> None:
        letter, name = self.to_write[index]
        to_docx(letter, self.report, self.directory / f"{name}.docx")
        (self.directory / f"{name}.html").write_text(to_html(letter, self.report), encoding="utf-8")

    def __call__(self, indices: list[int]) -> int:
        for index in indices:
            self.write(index)
        return len(indices)


def write_letters(report: Report, directory: Path, by: str = "unit", progress: Progress = SILENT,
                  jobs: int | None = None) -> list[Path]:
    """Write every letter as .docx and .html into ``directory`` (created), and :data:`INDEX`: every
    letter with its counts, then the files not read (:func:`not_read`) and the reports and letters
    of g60rules found among the submissions. Returns the letters' paths (not the index).

    Letters are written by up to ``jobs`` worker processes (default: CPU count), each taking
    :data:`LETTERS_PER_CHUNK` at a time; a chunk whose worker dies or runs out of time is written
    here. Reports stage ``written``, one per letter.
    """
    directory.mkdir(parents=True, exist_ok=True)
    to_send = letters(report, by)
    to_write = list(zip(to_send, file_names(to_send, report.lang), strict=True))
    progress.start("written", len(to_write))
    work = _LetterWork(report, to_write, directory)
    chunks = [list(range(i, min(i + LETTERS_PER_CHUNK, len(to_write))))
              for i in range(0, len(to_write), LETTERS_PER_CHUNK)]
    size = min(jobs or os.cpu_count() or 1, len(chunks))
    if size > 1:
        _template()  # built before the fork: every worker inherits it
        for index, reply in WorkerPool(_LetterWork, (report, to_write, directory), size, SECONDS_PER_CHUNK).imap(chunks):
            progress.advance("written", work(chunks[index]) if isinstance(reply, str) else reply)
    else:
        for chunk in chunks:
            progress.advance("written", work(chunk))
    written = [directory / f"{name}{suffix}" for _, name in to_write for suffix in (".docx", ".html")]
    rows = [{"letter": letter, "docx": f"{name}.docx", "html": f"{name}.html"} for letter, name in to_write]
    own = [f for f in report.result.findings if f.rule_id == OWN_OUTPUT.rule_id]
    (directory / INDEX).write_text(environment().get_template("letters-index.html.j2").render(
        labels=_LABELS[report.lang], lang=report.lang, ruleset=report.ruleset.name, version=__version__,
        rows=rows, not_read=not_read(report), missing=missing_listed(report), own=own,
        shown_file=report.shown_file), encoding="utf-8")
    return written
