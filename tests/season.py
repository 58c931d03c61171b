"""A small invented budget season for the report tests: three 主管部门, four 实施单位, seven projects.

Each project is a clean declaration with at most one fault of a known kind, so the expected findings
are written here by hand:

- ``cost``: cost ceiling 200,000 元 above the annual request of 100,000 元 → G60-APP-001 (error);
- ``no_target``: 项目总目标 missing → G60-COMP-002 (warning);
- ``no_level3``: an indicator row without a 三级 name → G60-COMP-007 (error).

Names include markup and formula-like text (``<script>``, ``&``, ``=1+1``) to prove reports escape it.
"""

from __future__ import annotations

from pathlib import Path

HOSTILE_UNIT = "<script>alert('unit')</script>中心"
HOSTILE_PROJECT = "<img src=x onerror=alert(1)>项目 & =1+1"

CLEAN = """\
kind: project
name: "{name}"
nature: 其他经常性项目
category: 其他运转类
competent_department: "{competent}"
implementing_unit: "{unit}"
plan_start: 2024-01-01
plan_end: 2024-12-31
project_target: 形成研究成果
annual_target: 完成 3 篇报告
funds: {{total: 100000, fiscal: 100000, annual_request: 100000, appropriation: 100000}}
indicators:
  - {{level1: 成本指标, level2: 经济成本指标, level3: 单篇报告成本, target_value: "{cost}"}}
  - {{level1: 产出指标, level2: 数量指标, level3: 报告数量, target_value: "≥3(篇)"}}
  - {{level1: 产出指标, level2: 质量指标, level3: {level3}, target_value: "≥90(%)"}}
  - {{level1: 产出指标, level2: 时效指标, level3: 完成时间, target_value: "≤2024-12-31"}}
  - {{level1: 效益指标, level2: 社会效益指标, level3: 成果采纳, target_value: "完成"}}
  - {{level1: 满意度指标, level2: 服务对象满意度指标, level3: 相关方满意度, target_value: "≥90(%)"}}
"""

# (file, project, 主管部门, 实施单位, fault)
PROJECTS = [
    ("a1.yaml", "城市更新研究", "区发展和改革委员会", "区发展研究中心", "cost"),
    ("a2.yaml", "产业地图", "区发展和改革委员会", "区发展研究中心", "no_level3"),
    ("a3.yaml", "营商环境评估", "区发展和改革委员会", "区信用中心", "no_target"),
    ("b1.yaml", "图书采购", "区文化和旅游局", "区图书馆", "cost"),
    ("b2.yaml", "阅读推广", "区文化和旅游局", "区图书馆", None),
    ("c1.yaml", HOSTILE_PROJECT, "区科学技术委员会", HOSTILE_UNIT, "no_level3"),
    ("c2.yaml", "科技成果转化", "区科学技术委员会", HOSTILE_UNIT, "no_target"),
]


def declaration(name: str, competent: str, unit: str, fault: str | None) -> str:
    text = CLEAN.format(name=name.replace('"', '\\"'), competent=competent, unit=unit.replace('"', '\\"'),
                        cost="≤200000(元)" if fault == "cost" else "≤30000(元/篇)",
                        level3="~" if fault == "no_level3" else "评审合格率")
    if fault == "no_target":
        text = text.replace("project_target: 形成研究成果\n", "")
    return text


def write_season(directory: Path, fixed: set[str] = frozenset()) -> Path:
    """Write the season into ``directory``; files named in ``fixed`` are written without their fault."""
    directory.mkdir(parents=True, exist_ok=True)
    for file, name, competent, unit, fault in PROJECTS:
        (directory / file).write_text(declaration(name, competent, unit, None if file in fixed else fault),
                                      encoding="utf-8")
    return directory


# A project of one 数量指标 row, for trees of departments built by hand (streaming and cache tests):
# ``name``, ``money`` (annual request, 元) and ``n`` (the target count) vary.
SMALL_PROJECT = """kind: project
name: {name}
implementing_unit: 某单位
funds:
  annual_request: "{money}"
indicators:
  - level1: 产出指标
    level2: 数量指标
    level3: 培训人数
    target_value: "≥{n}人"
"""


def write(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) at ``path``, creating its folders; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
