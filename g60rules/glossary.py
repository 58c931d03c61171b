"""The glossary: English identifiers ↔ the form's Chinese labels, generated from the field tables.

``docs/glossary.md`` is this function's output, committed; a test keeps it current.
"""

from __future__ import annotations

from g60rules import schema
from g60rules.model import DEPARTMENT_FIELDS, FUNDS_FIELDS, INDICATOR_FIELDS, PROJECT_FIELDS
from g60rules.rules.compiler import bundled_layouts

_KIND = {"text": "文本 text", "date": "日期 date (2024-03-05, 2024年3月, 2024.03, 202403, 2024年: kept at its precision)", "money_yuan": "金额 money, bare number = 元",
         "money_wan": "金额 money, bare number = 万元 (held in 元)",
         "money_form": "金额 money, bare number in the form's funds unit (元 or 万元; held in 元)", "int": "整数 whole number", "decimal": "数值 number (10, 10%, 10分)",
         "keys": "字段名列表 list of field keys (or labels) of this table",
         "target_value": "指标值 target value (text as written)", "list": "列表 list", "mapping": "映射 mapping"}


def _table(title: str, prefix: str, fields) -> list[str]:
    lines = [f"## {title}", "", "| identifier | 中文标签 (accepted in files) | kind | meaning |", "|---|---|---|---|"]
    for spec in fields:
        labels = " / ".join(spec.labels)
        lines.append(f"| `{prefix}{spec.key}` | {labels} | {_KIND[spec.kind.value]} | {spec.description} |")
    return lines + [""]


def glossary_markdown() -> str:
    """The whole glossary page as Markdown."""
    lines = [
        "# Glossary: identifiers and the form's labels",
        "",
        "Generated from `g60rules/model.py` and `g60rules/schema.py` (`python -m g60rules.glossary > docs/glossary.md`).",
        "Declaration files may use the identifier or any Chinese label; rules use the identifiers.",
        "Money is held in 元 as an exact decimal; a bare number in a 万元 field is converted exactly.",
        "",
    ]
    lines += _table("Project (财政项目支出绩效目标申报表)", "", PROJECT_FIELDS)
    lines += _table("Funds block (项目资金, 元)", "funds.", FUNDS_FIELDS)
    lines[-1:-1] = ["", "A note written beside an amount (\"500万元(其中上级资金220万元)\", \"120.5（含结转30万元）\") is",
                    "kept in `funds.notes` (field key → note as written, read from the cell: no key of its own) and",
                    "shown in the findings about that amount; the amount alone is compared."]
    lines += _table("Indicator row (绩效指标)", "", INDICATOR_FIELDS)
    lines += _table("Department (部门绩效目标设置情况)", "", DEPARTMENT_FIELDS)
    layouts = bundled_layouts()
    lines += ["## Form layouts (`form`, 表式)", "",
              "From the `layouts` section of `rulesets/core.yaml`; a field a form does not have is absent by",
              "layout (`cell.<key>` = `absent`), never \"not filled\".", "",
              "| form | 表式 | header fields | funds (unit of a bare number) | indicator columns | amount |",
              "|---|---|---|---|---|---|"]
    for form in layouts.forms.values():
        lines.append(f"| `{form.name}` | {form.title_zh} | {', '.join(form.project)} | {', '.join(form.funds)} "
                     f"({form.funds_unit}) | {', '.join(form.indicators)} | {form.amount or '—'} |")
    lines += ["", "## Indicator categories (`level1_code`, `level2_code`)", "",
              "From the `categories` section of `rulesets/core.yaml` (labels compare without spaces,",
              "bracketed hint text and the 指标 ending).", "",
              "| code | 中文 | level | alias? |", "|---|---|---|---|"]
    lines += [f"| `{entry.code}` | {label} | 一级 | {'alias' if entry.aliased else ''} |"
              for label, entry in layouts.level1.items()]
    lines += [f"| `{entry.code}` | {label} | 二级 under `{entry.parent}`"
              f"{f', counts as `{entry.counts_as}`' if entry.counts_as else ''} | {'alias' if entry.aliased else ''} |"
              for label, entry in layouts.level2.items()]
    lines += [f"| (one level down) | {label} | 一级 group | |" for label in sorted(layouts.groups)]
    lines += ["", "## Fields a rule can name", "",
              "Per kind of fact (`applies_to`). Indicator facts also carry their project's fields under",
              "`project.`; project facts carry their department's under `department.`.", ""]
    for fact, fields in schema.FACTS.items():
        lines += [f"### {fact}", "", "| field | type |", "|---|---|"]
        for name, ftype in fields.items():
            kind = ftype.name + (f": {', '.join(ftype.codes)}" if ftype.codes else "")
            lines.append(f"| `{name}` | {kind} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(glossary_markdown(), end="")
