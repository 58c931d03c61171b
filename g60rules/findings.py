"""Findings: what a check reports, and the built-in checks on the files themselves.

A :class:`Finding` carries the rule id, severity, file and 1-based line, department and project,
the project's 主管部门 (``competent_department``) and 实施单位 (``implementing_unit``) as written
in its declaration (``None`` when it has none, e.g. a department file or an unparsable file),
indicator (三级 name and row), the message in Chinese and English, and the basis (catalogue source
key + clause). Rules from rulesets and the built-in file checks below produce the same shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Severity, mapped from the CY-2015-88 grading: error ≈ 中/差, warning ≈ 良, info ≈ remark."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


# The documents behind the catalogue keys a rule cites (docs/sources.md): human reports show the
# document, machine formats keep the key.
SOURCE_DOCUMENTS: dict[str, tuple[str, str]] = {
    "ZF-2018-34": ("中发〔2018〕34号", "中发〔2018〕34号"),
    "CY-2015-88": ("财预〔2015〕88号", "财预〔2015〕88号"),
    "CY-2020-10": ("财预〔2020〕10号", "财预〔2020〕10号"),
    "CY-2021-101": ("财预〔2021〕101号", "财预〔2021〕101号"),
    "SH-2019-12": ("沪委发〔2019〕12号", "沪委发〔2019〕12号"),
    "SH-2023-16": ("沪府办发〔2023〕16号", "沪府办发〔2023〕16号"),
    "SH-FORM": ("上海市项目支出绩效目标申报表", "the Shanghai declaration form"),
}


# the basis of the built-in file checks (FileCheck.finding): machine formats keep the key; what
# people read names the form's filing requirement the check enforces, never the tool
FILE_CHECK_BASIS = "g60rules"
_FILE_CHECK_DOCUMENT = ("申报表填报要求", "the declaration form's filing requirements")


def basis_document(basis: str, lang: str = "zh") -> str:
    """A finding's basis ("CY-2015-88 完整性") as the document reads it ("财预〔2015〕88号 完整性");
    a built-in file check's (:data:`FILE_CHECK_BASIS`) reads "申报表填报要求"."""
    if basis == FILE_CHECK_BASIS:
        return _FILE_CHECK_DOCUMENT[1] if lang == "en" else _FILE_CHECK_DOCUMENT[0]
    key, _, clause = basis.partition(" ")
    names = SOURCE_DOCUMENTS.get(key)
    if names is None:
        return basis
    name = names[1] if lang == "en" else names[0]
    return f"{name} {clause}".strip()


@dataclass(frozen=True)
class Finding:
    """One problem found in one declaration file."""

    rule_id: str
    severity: Severity
    file: str
    line: int
    message_zh: str
    message_en: str
    basis: str = ""
    department: str | None = None
    project: str | None = None
    indicator: str | None = None
    row: int | None = None
    field: str | None = None
    title_zh: str = ""
    title_en: str = ""
    state: str = "enforce"
    value: str | None = None
    status: str = "new"
    waiver: str | None = None
    waiver_source: str | None = None  # "inline" (a comment in the declaration) or "file" (waivers file)
    cell: str | None = None  # workbook / Word / CSV: "sheet › C14" (``line`` is then the sheet's row)
    competent_department: str | None = None
    implementing_unit: str | None = None
    change: str | None = None  # with check --compare: "new", "open" (still there) or "fixed" (gone since)

    @property
    def gating(self) -> bool:
        """Whether this finding can fail a run: enforced, and neither waived nor in the baseline."""
        return self.state == "enforce" and self.status == "new"

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def sort_key(self) -> tuple:
        return (self.file, self.line, -self.severity.rank, self.rule_id, self.row or 0, self.message_zh)

    def to_dict(self, lang: str) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["message"] = self.message(lang)
        data["title"] = self.title(lang)
        if self.cell is None:
            del data["cell"]  # line-based files: the same shape as before table files were read
        return data


@dataclass(frozen=True)
class FileCheck:
    """A built-in check on declaration files (not a ruleset rule: it runs before any rule can)."""

    rule_id: str
    severity: Severity
    title_zh: str
    title_en: str
    zh: str
    en: str

    def finding(self, file: str, line: int, **kw: object) -> Finding:
        """Build a finding; ``kw`` fills the message placeholders and the optional context fields."""
        context = {k: kw.pop(k) for k in ("department", "project", "indicator", "row", "field", "cell") if k in kw}
        # a value may be a (Chinese, English) pair; the rest read the same in both languages
        zh = {k: str(v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
        en = {k: str(v[1] if isinstance(v, tuple) else v) for k, v in kw.items()}
        # what the problem is about (a key, a value, a path, a rule), never a line: baselines use it
        about = "|".join(en[k] for k in ("key", "value", "path", "rule", "files", "rules") if k in en)
        return Finding(
            rule_id=self.rule_id,
            severity=self.severity,
            file=file,
            line=line,
            message_zh=self.zh.format_map(zh),
            message_en=self.en.format_map(en),
            basis=FILE_CHECK_BASIS,
            title_zh=self.title_zh,
            title_en=self.title_en,
            value=about or None,
            **context,
        )


def _check(rule_id: str, severity: str, title_zh: str, title_en: str, zh: str, en: str) -> FileCheck:
    return FileCheck(rule_id, Severity(severity), title_zh, title_en, zh, en)


UNREADABLE = _check(
    "G60-FILE-001", "error", "文件无法读取", "Unreadable file",
    "文件无法读取：{reason}", "cannot read the file: {reason}",
)
YAML_SYNTAX = _check(
    "G60-FILE-002", "error", "YAML 语法错误", "YAML syntax error",
    "YAML 语法错误：{reason}", "YAML syntax error: {reason}",
)
DUPLICATE_KEY = _check(
    "G60-FILE-003", "error", "重复字段", "Duplicate key",
    "字段“{key}”重复出现（首次在第 {first} 行）；重复字段不会被静默覆盖，请删除其一",
    "key '{key}' appears twice (first on line {first}); duplicates are never silently overwritten",
)
UNKNOWN_KEY = _check(
    "G60-FILE-004", "error", "未知字段", "Unknown key",
    "未知字段“{key}”（{where}）；{hint}",
    "unknown key '{key}' in {where}; {hint}",
)
BAD_VALUE = _check(
    "G60-FILE-005", "error", "字段值无法识别", "Invalid field value",
    "字段“{key}”的值“{value}”无法识别：{reason}；按缺失处理",
    "value '{value}' of '{key}' is invalid: {reason}; treated as missing",
)
NOT_A_DECLARATION = _check(
    "G60-FILE-006", "error", "不是申报文件", "Not a declaration",
    "不是申报文件：{reason}", "not a declaration file: {reason}",
)
MISSING_PROJECT_FILE = _check(
    "G60-FILE-007", "error", "项目文件不存在", "Project file not found",
    "部门文件列出的项目文件“{path}”不存在", "project file '{path}' listed by the department does not exist",
)
DROPPED_VALUE = _check(
    "G60-DATA-001", "error", "数值超出可比较范围", "Value out of range",
    "字段“{key}”的值超出可比较范围（{reason}），相关规则未对其执行",
    "value of '{key}' is out of the comparable range ({reason}); rules did not run on it",
)
TABLE_AMBIGUOUS = _check(
    "G60-DATA-002", "error", "阈值表多行同时适用", "Ambiguous threshold table",
    "规则 {rule} 的阈值表（{key} = {value}）有多行同时适用（第 {rows} 行），该规则未对其执行",
    "several rows of rule {rule}'s threshold table apply ({key} = {value}: rows {rows}); the rule did not run on it",
)
ENGINE_FALLBACK = _check(
    "G60-ENGINE-001", "info", "规则引擎回退", "Engine fallback",
    "durable-rules 处理本申报时失败（{reason}），已改用参考评估器重新检查，结果完整",
    "durable-rules failed on this declaration ({reason}); it was re-checked by the reference evaluator, nothing is lost",
)

SHEET_SKIPPED = _check(
    "G60-FILE-008", "info", "工作表未检查", "Sheet not screened",
    "工作表“{sheet}”未检查：{reason}", "sheet '{sheet}' not screened: {reason}",
)
UNPLACED = _check(
    "G60-FILE-009", "warning", "单元格内容未能归位", "Cell not placed",
    "单元格内容“{value}”不是可识别的标签，也不是某个标签的值，未读取",
    "cell text '{value}' is neither a known label nor the value of one; not read",
)
NOTE_SKIPPED = _check(
    "G60-FILE-010", "info", "说明文字未读取", "Note not read",
    "说明文字“{value}”未读取", "note '{value}' not read",
)
DUPLICATE_LABEL = _check(
    "G60-FILE-011", "error", "标签重复", "Duplicate label",
    "标签“{key}”在同一张表中出现两次（首次在 {first}）；只读取第一个，请删除其一",
    "label '{key}' appears twice in one form (first at {first}); only the first is read",
)
OWN_OUTPUT = _check(
    "G60-FILE-012", "info", "本工具生成的文件", "Written by g60rules",
    "本工具生成的文件 {n} 个（{folder}），未作为申报表筛查",
    "{n} files written by g60rules (reports or letters) in {folder}, not screened as declarations",
)
UNUSED_KEY = _check(
    "G60-FILE-013", "info", "未使用的栏目", "Field not used",
    "未使用的栏目“{key}”（{where}），已忽略：筛查规则不读取此栏，无需修改",
    "field '{key}' in {where} is not used by the rules and was ignored; nothing to change",
)
OUTSIDE_TREE = _check(
    "G60-PATH-001", "error", "项目文件在部门文件夹之外", "Project file outside the department's folder",
    "部门文件列出的“{path}”不在部门文件所在的文件夹内，未读取",
    "'{path}' listed by the department is outside the department file's folder; not read",
)
LISTED_TWICE = _check(
    "G60-PATH-002", "error", "项目被重复列出", "Project listed twice",
    "项目文件“{path}”已在 {first} 列出，此处重复列出，不重复计入",
    "project file '{path}' is already listed at {first}; not counted again",
)
TOO_MANY_ROWS = _check(
    "G60-LIMIT-001", "error", "申报超出处理上限", "Declaration over the size limit",
    "本申报有 {rows} 行指标，超过每份 {limit} 行的上限，未筛查",
    "this declaration has {rows} indicator rows, over the limit of {limit} per declaration; not screened",
)

# A file that could not be read at all: nothing in it was screened.
NOT_READ = frozenset({UNREADABLE.rule_id, YAML_SYNTAX.rule_id, NOT_A_DECLARATION.rule_id})

FILE_CHECKS: tuple[FileCheck, ...] = (
    UNREADABLE, YAML_SYNTAX, DUPLICATE_KEY, UNKNOWN_KEY, BAD_VALUE, NOT_A_DECLARATION,
    MISSING_PROJECT_FILE, DROPPED_VALUE, TABLE_AMBIGUOUS, ENGINE_FALLBACK, OUTSIDE_TREE, LISTED_TWICE,
    TOO_MANY_ROWS, SHEET_SKIPPED, UNPLACED, NOTE_SKIPPED, DUPLICATE_LABEL, OWN_OUTPUT, UNUSED_KEY,
)
