"""Synthetic 财政项目支出绩效目标申报表 corpus for benchmarking g60rules.

Usage::

    python bench/generate.py OUT_DIR --count N --seed S

writes N project declarations plus department files grouping them (5–8 projects each), laid out as::

    OUT_DIR/d0001/department.yaml      # lists the project files next to it
    OUT_DIR/d0001/p000001.yaml …
    OUT_DIR/unassigned/p009871.yaml    # a few projects belong to no department

The output is a pure function of (count, seed): one ``random.Random(seed)`` drives everything and
files are written in a fixed order. Importable: :func:`generate` returns the written paths.

What the files look like (shaped on the published G60 2024 forms in ``declarations/g60-2024``):

* keys: about half the files use the English identifiers, half the Chinese labels (with the
  alternative labels 资金 / 指标 / 年度指标值 now and then), and a few mix both;
* indicator tables of 3–40 rows (a few with 100+), in flow style ``- {一级指标: …}`` or block style;
* values in the written forms real forms use: ``≥90.00(%)``, ``≤200000.00(元/个)``,
  ``≪800000.00(元)``, ``=1.00(场)``, ``≥85. 00 (%)``, ``完成``, ``≤2024-12-31``, ``2024年12月底前``,
  ``3个工作日内``; funds as ``2, 000, 000. 00``, ``2000000.00``, ``2,000,000``; 万元 figures as
  ``73.5万元`` or a bare number;
* defects at realistic rates (see ``DEFECT_RATES``): cost ceilings above the money, missing 三级
  names, placeholders (``≥**%``, ``XX``), no 时效指标, duplicate names with different values,
  万元/元 mix-ups, percentages above 100, vague words, department totals that do not add up, and a
  few broken files (invalid YAML, impossible dates, unknown keys, a duplicate key, GBK bytes).

No g60rules code is used to write the files; the only import is the field glossary
(:mod:`g60rules.model`) so the Chinese labels are the ones the loader accepts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random

from g60rules.model import (
    DEPARTMENT_FIELDS,
    FUNDS_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
)

# Probability of each defect per project file (or per department file for the dept_* ones).
DEFECT_RATES: dict[str, float] = {
    "no_timeliness": 0.30,          # no 时效指标 row at all (common in real forms)
    "missing_project_target": 0.25, # 项目总目标 left empty (as in the G60 forms)
    "cost_above_money": 0.05,       # one total-money cost ceiling above the annual request
    "unit_cost_product_high": 0.04, # per-unit ceiling × quantity above the money
    "missing_level3": 0.04,         # a row without a 三级 name
    "missing_level2": 0.03,         # a row without a 二级 category (PDF extraction loss)
    "placeholder": 0.04,            # ≥**%, (≥**%), XX, ≧ %
    "duplicate_name": 0.06,         # same 三级 name, different values (like 单个课题成本 ×3)
    "duplicate_row": 0.02,          # the same row twice
    "wan_yuan_mix": 0.05,           # a cost ceiling in 万 labelled 元, or in 元 labelled 万元
    "wan_yuan_mix_funds": 0.03,     # 年度预算安排 in 元 (the field means 万元), or 万 in a 元 cell
    "percent_over_100": 0.03,       # ≥120(%)
    "vague_word": 0.08,             # 提高 / 有效提升 as a target
    "funds_dont_add_up": 0.04,      # total ≠ fiscal + other, or annual ≠ its parts
    "budget_text_differs": 0.05,    # 年度预算安排 ≠ 年度资金申请总额
    "satisfaction_low": 0.02,       # ≥80(%) satisfaction
    "satisfaction_ceiling": 0.01,   # ≤90(%) satisfaction
    "cost_floor": 0.02,             # cost indicator written with ≥
    "wrong_category": 0.03,         # 管理指标 / 二级 under the wrong 一级
    "start_after_end": 0.01,
    "header_gap": 0.03,             # 主管部门 / 项目类别 missing
    "unitless_number": 0.03,        # ≥3 with no unit
    "empty_value": 0.02,            # 指标值 left blank
    "garbled_value": 0.01,          # 指标值 the parser cannot read (≥九十%, ≥1.2.3(%))
    "bad_date": 0.005,              # 2024-02-30 in a plan date
    "unknown_key": 0.008,           # 备注: … (not a field)
    "duplicate_key": 0.003,         # the same header key twice
    "invalid_yaml": 0.003,          # unterminated quote / bad indentation
    "not_utf8": 0.001,              # saved as GBK
    "dept_total_differs": 0.15,     # declared total ≠ sum of annual requests
    "dept_count_differs": 0.08,     # declared project count ≠ projects listed
    "dept_missing_file": 0.02,      # lists a file that does not exist
}

UNASSIGNED_SHARE = 0.02

YEARS = (2024, 2024, 2024, 2025)

UNITS_ORG = [
    "上海市松江区长三角G60科创走廊创新研究中心", "上海市松江区科学技术委员会", "上海市松江区经济委员会",
    "上海市松江区发展和改革委员会", "上海市松江区财政局", "上海市松江区人力资源和社会保障局",
    "上海市松江区文化和旅游局", "上海市松江区教育局", "上海市松江区卫生健康委员会",
    "上海市松江区生态环境局", "上海市松江区市场监督管理局", "上海市松江区数据局",
    "上海市松江区投资促进服务中心", "上海市松江区企业服务中心", "上海市松江区档案馆",
    "上海市松江区图书馆", "上海市松江区融媒体中心", "上海市松江区中小企业服务中心",
]
SUBJECTS = [
    "政策研究", "要素对接", "产业研究", "金融赋能", "宣传推广", "创新合作", "课题研究", "专题培训",
    "论坛活动", "招商推介", "信息系统运维", "数据平台建设", "档案数字化", "展会组织", "联学联建",
    "企业走访", "人才招引", "创新券兑付", "专家评审", "标准制定", "法律顾问服务", "物业管理",
    "安保服务", "新媒体运营", "成果汇编", "科技成果转化", "知识产权服务", "园区运营", "质量提升",
    "营商环境评估", "公共服务平台运维", "应急演练", "职业技能培训", "文化活动", "社区服务",
]
NATURES = ["其他经常性项目", "其他经常性项目", "其他经常性项目", "阶段性项目", "一次性项目"]
CATEGORIES = ["其他运转类", "其他运转类", "特定目标类", "特定目标类", "公用经费类"]
SUFFIXES = ["", "", "", "（一期）", "（二期）", "服务", "工作经费", "专项", "项目"]

# (name template, unit noun, min, max) — quantity rows under 产出指标/数量指标.
QUANTITY = [
    ("完成{s}报告数量", "篇", 1, 30), ("举办{s}活动场次", "场", 1, 20), ("{s}参与人次", "人次", 50, 5000),
    ("{s}覆盖企业数", "家", 5, 500), ("印制{s}资料", "份", 100, 20000), ("{s}期数", "期", 1, 12),
    ("完成{s}项目数", "个", 1, 40), ("开展{s}次数", "次", 1, 50), ("发布{s}信息条数", "条", 10, 2000),
    ("培训{s}人数", "人", 20, 3000), ("制作{s}展板", "块", 1, 60), ("编制{s}手册", "册", 100, 5000),
]
# (name template, low, high) — percentages under 产出指标/质量指标.
QUALITY = [
    ("{s}验收合格率", 90, 100), ("{s}成果评审通过率", 85, 100), ("{s}完成率", 90, 100),
    ("系统正常运行率", 95, 100), ("资料归档完整率", 95, 100), ("问题整改率", 90, 100),
    ("需求满足度", 85, 100), ("{s}数据准确率", 95, 100), ("研究成果评审合格率", 85, 100),
]
# name templates under 产出指标/时效指标.
TIMELINESS = ["{s}完成时间", "按时完成率", "资金支付及时率", "响应时间", "成果提交时间", "{s}启动时间"]
# (name template, unit noun or None for total money) — 成本指标/经济成本指标.
COST = [
    ("单个课题成本", "个"), ("{s}成本", None), ("单场活动成本", "场"), ("人均培训成本", "人次"),
    ("项目总成本", None), ("单次活动成本", "次"), ("印制成本", "份"), ("{s}服务费", None),
    ("单家企业服务成本", "家"), ("单期成本", "期"),
]
BENEFIT = {
    "社会效益指标": ["营造{s}良好氛围", "{s}社会知晓度", "推动G60科创走廊建设", "{s}政策覆盖面",
                   "服务企业发展", "提升区域协同水平"],
    "经济效益指标": ["带动企业投资额", "{s}促成合作金额", "服务企业营收增长率", "降低企业融资成本"],
    "可持续影响指标": ["研究报告成果利用率或转化率", "长效机制建立情况", "{s}成果持续应用率", "平台持续运行"],
    "生态效益指标": ["节能降耗", "绿色办公落实率"],
}
SATISFACTION = ["相关方满意度", "服务对象满意度", "参训人员满意度", "企业满意度", "群众满意度", "参会人员满意度"]
QUALITATIVE_OK = ["完成", "完成", "达标", "符合要求", "按时完成", "已建立", "良好", "是"]
QUALITATIVE_VAGUE = ["提高", "有效提升", "进一步提高", "明显改善", "逐步提高", "稳步提升", "加强"]
QUALIFIERS = ["（年度）", "（区级）", "（市级）", "（重点企业）", "（上半年）", "（下半年）", "（线上）", "（线下）",
              "（新增）", "（续建）"]
ADVERSE = ["投诉率", "差错率", "返工率"]
ANNUAL_TARGET_BITS = [
    "聚焦“科创+产业”重大领域研究", "完成年度{s}工作任务", "推动九城市跨区域协同发展", "提升服务企业能力",
    "形成可复制可推广经验", "完善政策研究体系", "增强政策研判能力", "加强宣传阵地建设", "优化营商环境",
    "保障系统稳定运行", "按期完成各项任务", "提高资金使用效益",
]


ZH_PROJECT = {s.key: s.labels[0] for s in PROJECT_FIELDS}
ZH_FUNDS = {s.key: s.labels[0] for s in FUNDS_FIELDS}
ZH_INDICATOR = {s.key: s.labels[0] for s in INDICATOR_FIELDS}
ZH_DEPARTMENT = {s.key: s.labels[0] for s in DEPARTMENT_FIELDS}
ALT_LABELS = {"funds": "资金", "indicators": "指标", "target_value": "年度指标值"}

_PLAIN_RE = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9（）·、]*")
_MONEY_PLAIN_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:万元)?")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def q(text: str) -> str:
    """A YAML scalar for ``text``: plain when that is safe, otherwise double-quoted."""
    if _PLAIN_RE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    if _MONEY_PLAIN_RE.fullmatch(text) and "万元" in text:  # 200万元, written plain as in the forms
        return text
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


# ---------------------------------------------------------------------------------------------
# Written forms
# ---------------------------------------------------------------------------------------------


def _dec(x: float | Decimal, places: int = 2) -> Decimal:
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _spaced(text: str) -> str:
    """PDF extraction spacing: "2,000,000.00" → "2, 000, 000. 00"."""
    return text.replace(",", ", ").replace(".", ". ")


def write_money_yuan(rng: Random, amount: Decimal) -> str:
    """A funds cell in 元, in one of the written forms seen on real forms."""
    style = rng.random()
    if style < 0.35:
        return _spaced(f"{amount:,.2f}")
    if style < 0.65:
        return f"{amount:.2f}"
    if style < 0.8:
        return f"{amount:,.2f}"
    if style < 0.9:
        return f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"
    return f"{amount:.0f}" if amount == amount.to_integral() else f"{amount:.2f}"


def write_wan(rng: Random, amount_yuan: Decimal, bare_ok: bool = True) -> str:
    """An amount in 万元 ("73.5万元", "503.50万元", bare "200")."""
    wan = amount_yuan / Decimal(10000)
    text = format(wan.normalize(), "f") if rng.random() < 0.6 else f"{wan:.2f}"
    if bare_ok and rng.random() < 0.15:
        return text
    return text + "万元"


@dataclass
class Style:
    """How one form writes its target values (one filer tends to be consistent)."""

    ge: str
    le: str
    parens: str      # "half" (…), "full" （…）, "none"
    decimals: bool   # "90.00" rather than "90"
    spaced: bool     # "85. 00 (%)"
    omit_eq: bool

    @classmethod
    def draw(cls, rng: Random) -> Style:
        return cls(
            ge=rng.choices(["≥", "≧", ">=", "≫"], [85, 8, 5, 2])[0],
            le=rng.choices(["≤", "≦", "≪", "<="], [80, 6, 10, 4])[0],
            parens=rng.choices(["half", "full", "none"], [70, 10, 20])[0],
            decimals=rng.random() < 0.7,
            spaced=rng.random() < 0.12,
            omit_eq=rng.random() < 0.2,
        )

    def num(self, x: Decimal | float, force_places: int | None = None) -> str:
        d = Decimal(str(x))
        if force_places is not None:
            text = f"{_dec(d, force_places)}"
        elif self.decimals:
            text = f"{_dec(d, 2)}"
        else:
            text = format(d.normalize(), "f") if d == d.to_integral() else f"{d}"
        return _spaced(text) if self.spaced else text

    def unit(self, u: str) -> str:
        if not u:
            return ""
        lead = " " if self.spaced else ""
        if self.parens == "half":
            return f"{lead}({u})"
        if self.parens == "full":
            return f"{lead}（{u}）"
        return u

    def op(self, name: str) -> str:
        return {"ge": self.ge, "le": self.le, "eq": "" if self.omit_eq else "=", "gt": ">", "lt": "<"}[name]

    def value(self, op: str, x, unit: str) -> str:
        return f"{self.op(op)}{self.num(x)}{self.unit(unit)}"


# ---------------------------------------------------------------------------------------------
# One project
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    level1: str | None
    level2: str | None
    level3: str | None
    value: str | None
    comment: str | None = None
    omit: tuple[str, ...] = ()  # keys left out entirely


@dataclass
class ProjectPlan:
    """Everything about one synthetic project, before it is written."""

    file: str
    name: str
    year: int
    annual_request: Decimal  # 元, as the form says it
    rows: list[Row] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


class Generator:
    """Draws and writes the corpus; ``stats`` counts the defects injected."""

    def __init__(self, seed: int):
        self.rng = Random(seed)
        self.stats: Counter[str] = Counter()

    def hit(self, defect: str) -> bool:
        if self.rng.random() < DEFECT_RATES[defect]:
            self.stats[defect] += 1
            return True
        return False

    # -- indicators --------------------------------------------------------------------------

    def _row_count(self) -> int:
        rng = self.rng
        if rng.random() < 0.006:
            return rng.randint(100, 160)
        band = rng.choices([(3, 6), (7, 12), (13, 20), (21, 40)], [15, 45, 25, 15])[0]
        return rng.randint(*band)

    def _subject_names(self, subject: str, count: int) -> list[str]:
        """Distinct subjects for the rows of a large table (sub-tasks: 子课题3, 第2期 …)."""
        rng = self.rng
        pool = [subject] + rng.sample(SUBJECTS, 6)
        out = []
        for i in range(count):
            base = pool[i % len(pool)]
            round_ = i // len(pool)
            out.append(base if round_ == 0 else f"{base}{rng.choice(['子课题', '第', '分项', '批次'])}{round_ + 1}")
        return out

    def _indicators(self, plan: ProjectPlan, subject: str, style: Style) -> None:
        rng = self.rng
        money = plan.annual_request
        n = self._row_count()
        with_time = not self.hit("no_timeliness")
        # Shares of the table; at least one of each main part for n ≥ 4.
        n_cost = max(1, min(4, round(n * rng.uniform(0.08, 0.2))))
        n_sat = 1 if n < 15 else rng.randint(1, 3)
        n_time = (1 if n < 10 else rng.randint(1, max(1, n // 10))) if with_time else 0
        n_benefit = max(1, round(n * rng.uniform(0.1, 0.25)))
        n_quality = max(1, round(n * rng.uniform(0.1, 0.25)))
        n_quantity = max(1, n - n_cost - n_sat - n_time - n_benefit - n_quality)
        if n <= 3:  # the smallest tables: cost, quantity, satisfaction
            n_cost, n_quantity, n_quality, n_benefit, n_time, n_sat = 1, 1, 0, 0, 0, 1
        subjects = self._subject_names(subject, max(n_quantity, n_quality, n_benefit, n_cost) + 1)
        rows: list[Row] = []
        used: set[str] = set()

        def uniq(name: str) -> str:
            """Real tables rarely repeat a 三级 name by accident; repeats are injected on purpose."""
            if name in used:
                for qualifier in rng.sample(QUALIFIERS, len(QUALIFIERS)):
                    if name + qualifier not in used:
                        name += qualifier
                        break
                else:
                    name += str(len(used))
            used.add(name)
            return name

        # 数量指标 first (cost ceilings per unit pair with them).
        quantities: list[tuple[str, int]] = []  # (noun, amount)
        for i in range(n_quantity):
            tmpl, noun, lo, hi = rng.choice(QUANTITY)
            amount = rng.randint(lo, hi)
            name = uniq(tmpl.format(s=subjects[i]))
            quantities.append((noun, amount))
            op = rng.choices(["ge", "eq"], [80, 20])[0]
            value = style.value(op, amount, noun)
            if rng.random() < 0.05:
                value = f"不少于{amount}{noun}"
            rows.append(Row("产出指标", "数量指标", name, value))

        # 成本指标: total-money ceilings within the money, and per-unit ceilings.
        cost_rows: list[Row] = []
        budget_share = money * Decimal(str(rng.uniform(0.5, 1.0)))
        for i in range(n_cost):
            tmpl, noun = rng.choice(COST)
            name = uniq(tmpl.format(s=subjects[i]))
            matching = [(nn, a) for nn, a in quantities if nn == noun]
            if noun is not None and (matching or rng.random() < 0.1):
                qty = max(a for _, a in matching) if matching else rng.randint(1, 20)
                per = int(budget_share / n_cost / qty)
                per = Decimal(max(1, per // 100 * 100 if per >= 1000 else per))
                value = f"{style.op('le')}{style.num(per)}{style.unit('元/' + noun)}"
            else:
                ceiling = Decimal(int(budget_share / n_cost) // 1000 * 1000) or Decimal(1000)
                if rng.random() < 0.15:
                    value = f"{style.op('le')}{format((ceiling / 10000).normalize(), 'f')}万元"
                else:
                    value = style.value("le", ceiling, "元")
            cost_rows.append(Row("成本指标", "经济成本指标", name, value))
        if n >= 12 and rng.random() < 0.05:
            cost_rows.append(Row("成本指标", "社会成本指标", "社会成本", rng.choice(["无", "较低"])))
        rows = cost_rows + rows

        for i in range(n_quality):
            tmpl, lo, hi = rng.choice(QUALITY)
            pct = rng.choice([lo, hi, rng.randint(lo, hi), 95, 90, 100])
            value = style.value(rng.choices(["ge", "eq"], [85, 15])[0], pct, "%")
            if rng.random() < 0.1:
                value = f"≥{pct}%"
            elif rng.random() < 0.04:  # a range; now and then with its bounds the wrong way round
                low = rng.choice([80, 85, 90])
                low, high = (low, low + 10) if rng.random() < 0.9 else (low + 10, low)
                value = rng.choice([f"{low}%-{high}%", f"{low}-{high}(%)", f"{low}%~{high}%"])
            rows.append(Row("产出指标", "质量指标", uniq(tmpl.format(s=subjects[i])), value))

        for i in range(n_time):
            tmpl = rng.choice(TIMELINESS)
            name = uniq(tmpl.format(s=subjects[i]))
            if "率" in name:
                value = style.value("eq", 100, "%")
            elif name == "响应时间":
                value = rng.choice([style.value("le", 2, "小时"), "3个工作日内", style.value("le", 5, "工作日")])
            else:
                month = rng.choice([6, 9, 10, 11, 12, 12, 12])
                last = {6: 30, 9: 30, 10: 31, 11: 30, 12: 31}[month]
                y = plan.year
                value = rng.choice([
                    f"{style.op('le')}{y}-{month:02d}-{last:02d}", f"{y}年{month}月底前", f"{y}年{month}月{last}日前",
                    f"{y}.{month:02d}.{last:02d}", f"{y}年底前",
                ])
            rows.append(Row("产出指标", "时效指标", name, value))

        for i in range(n_benefit):
            level2 = rng.choices(list(BENEFIT), [50, 15, 30, 5])[0]
            name = uniq(rng.choice(BENEFIT[level2]).format(s=subjects[i]))
            if "增长率" in name:
                value = style.value("ge", rng.choice([3, 5, 8, 10, 15]), "%")
            elif "率" in name or "知晓度" in name or "覆盖面" in name:
                value = style.value("ge", rng.choice([80, 85, 90, 95]), "%")
            elif "金额" in name or "投资额" in name:
                value = style.value("ge", rng.choice([500, 1000, 5000]), "万元")
            elif level2 == "可持续影响指标" and rng.random() < 0.5:
                value = style.value("ge", rng.choice([1, 2, 3]), "年")
            else:
                value = rng.choice(QUALITATIVE_OK)
            rows.append(Row("效益指标", level2, name, value))

        for i in range(n_sat):
            name = uniq(SATISFACTION[(i + rng.randint(0, 5)) % len(SATISFACTION)])
            value = style.value("ge", rng.choice([85, 85, 90, 90, 95]), "%")
            rows.append(Row("满意度指标", "服务对象满意度指标", name, value))

        plan.rows = rows
        self._row_defects(plan, style, quantities)

    def _row_defects(self, plan: ProjectPlan, style: Style, quantities: list[tuple[str, int]]) -> None:
        rng, rows, money = self.rng, plan.rows, plan.annual_request

        def pick(level1: str | None = None, level2: str | None = None) -> Row | None:
            found = [r for r in rows
                     if (level1 is None or r.level1 == level1) and (level2 is None or r.level2 == level2)]
            return rng.choice(found) if found else None

        if self.hit("cost_above_money"):
            over = _dec(money * Decimal(str(rng.uniform(1.05, 3.0))), 0)
            taken = {r.level3 for r in rows}
            name = next(n for n in ("项目总成本", "年度总成本", "全年运行成本", "项目成本合计") if n not in taken)
            value = f"{style.op('le')}{style.num(over)}{style.unit('元')}"
            rows.insert(0, Row("成本指标", "经济成本指标", name, value))
            plan.defects.append("cost_above_money")
        if quantities and self.hit("unit_cost_product_high"):
            noun, qty = rng.choice(quantities)
            per = _dec(money / max(qty, 1) * Decimal(str(rng.uniform(1.2, 4))), 0)
            name = f"单{noun}成本" if f"单{noun}成本" not in {r.level3 for r in rows} else f"每{noun}平均成本"
            value = f"{style.op('le')}{style.num(per)}{style.unit('元/' + noun)}"
            rows.insert(0, Row("成本指标", "经济成本指标", name, value))
            plan.defects.append("unit_cost_product_high")
        if self.hit("duplicate_name"):
            # The G60 form 1 pattern: one cost name, several different ceilings.
            target = pick("成本指标") or rows[0]
            for _ in range(rng.randint(1, 2)):
                amount = _dec(money * Decimal(str(rng.uniform(0.05, 0.5))), 0)
                rows.insert(rows.index(target) + 1, Row(target.level1, target.level2, target.level3,
                                                        f"{style.op('le')}{style.num(amount)}{style.unit('元')}"))
            plan.defects.append("duplicate_name")
        if self.hit("duplicate_row"):
            row = rng.choice(rows)
            rows.insert(rows.index(row) + 1, Row(row.level1, row.level2, row.level3, row.value))
            plan.defects.append("duplicate_row")
        if self.hit("wan_yuan_mix"):
            row = pick("成本指标")
            if row is not None:
                wan = _dec(money / 10000 * Decimal(str(rng.uniform(0.3, 0.9))), 1)
                # written in 万 but labelled 元 (ceiling far too low), or 元 labelled 万元 (far too high)
                if rng.random() < 0.5:
                    row.value = f"{style.op('le')}{style.num(wan)}{style.unit('元')}"
                else:
                    row.value = f"{style.op('le')}{style.num(_dec(wan * 10000, 0))}{style.unit('万元')}"
                plan.defects.append("wan_yuan_mix")
        if self.hit("percent_over_100"):
            row = pick("产出指标", "质量指标") or pick("满意度指标")
            if row is not None:
                row.value = style.value("ge", rng.choice([105, 110, 120, 150]), "%")
                plan.defects.append("percent_over_100")
        if self.hit("placeholder"):
            row = rng.choice(rows)
            row.value = rng.choice(["≥**%", "(≥**%)", "≧ %", "XX", "≤**(元)", "≥XX(个)", "/", "≥*(%)"])
            plan.defects.append("placeholder")
        if self.hit("missing_level3"):
            row = rng.choice(rows)
            if rng.random() < 0.5:
                row.level3, row.comment = None, "源单元格未提取到内容，按缺失处理"
            else:
                row.omit = row.omit + ("level3",)
            plan.defects.append("missing_level3")
        if self.hit("missing_level2"):
            row = rng.choice(rows)
            row.level2, row.comment = None, "源合并单元格提取为乱码，按缺失处理"
            plan.defects.append("missing_level2")
        if self.hit("vague_word"):
            row = pick("效益指标") or rng.choice(rows)
            row.value = rng.choice(QUALITATIVE_VAGUE)
            plan.defects.append("vague_word")
        if self.hit("satisfaction_low"):
            row = pick("满意度指标")
            if row is not None:
                row.value = style.value("ge", rng.choice([60, 70, 80]), "%")
                plan.defects.append("satisfaction_low")
        if self.hit("satisfaction_ceiling"):
            row = pick("满意度指标")
            if row is not None:
                row.value = style.value("le", 90, "%")
                plan.defects.append("satisfaction_ceiling")
        if self.hit("cost_floor"):
            row = pick("成本指标")
            if row is not None and row.value:
                row.value = row.value.replace(style.le, style.ge, 1)
                plan.defects.append("cost_floor")
        if self.hit("wrong_category"):
            row = rng.choice(rows)
            if rng.random() < 0.5:
                row.level1 = rng.choice(["管理指标", "工作指标"])
            else:
                row.level1, row.level2 = "效益指标", "质量指标"
            plan.defects.append("wrong_category")
        if self.hit("unitless_number"):
            row = pick("产出指标", "数量指标")
            if row is not None:
                row.value = f"{style.op('ge')}{rng.randint(1, 50)}"
                plan.defects.append("unitless_number")
        if self.hit("empty_value"):
            row = rng.choice(rows)
            row.value = rng.choice(["", None])
            plan.defects.append("empty_value")
        if self.hit("garbled_value"):
            row = rng.choice(rows)
            row.value = rng.choice(["≥九十%", "≥1.2.3(%)", "≥90(%)≤100(%)", "≥abc", "≥ 85. 00 ％ 以上以下"])
            plan.defects.append("garbled_value")
        if rng.random() < 0.03:  # an adverse measure, sometimes written the wrong way round
            op = "ge" if rng.random() < 0.3 else "le"
            rows.append(Row("产出指标", "质量指标", rng.choice(ADVERSE), style.value(op, rng.choice([1, 2, 5]), "%")))
        if rng.random() < 0.08:  # PDF extraction broke a category label across a space
            row = rng.choice(rows)
            if row.level1 == "满意度指标":
                row.level1 = "满意度指 标"

    # -- the whole file ----------------------------------------------------------------------

    def project(self, file: str, department: str | None, year: int) -> tuple[ProjectPlan, str | bytes]:
        rng = self.rng
        subject = rng.choice(SUBJECTS)
        name = subject + rng.choice(SUFFIXES)
        # Annual request: most between 5万 and 500万, a long tail to 5000万, in whole 元 or 百元.
        magnitude = rng.choices([(5e4, 5e5), (5e5, 5e6), (5e6, 5e7)], [45, 45, 10])[0]
        annual = Decimal(int(rng.uniform(*magnitude)) // 100 * 100)
        if rng.random() < 0.5:
            annual = Decimal(int(annual) // 10000 * 10000) or Decimal(50000)
        plan = ProjectPlan(file, name, year, annual)
        style = Style.draw(rng)
        self._indicators(plan, subject, style)

        nature = rng.choice(NATURES)
        staged = nature != "其他经常性项目"
        total = annual * rng.choice([2, 3]) if staged and rng.random() < 0.7 else annual
        other = Decimal(0)
        if rng.random() < 0.1:
            other = _dec(total * Decimal(str(rng.uniform(0.05, 0.3))), 0)
        fiscal = total - other
        carry = Decimal(0)
        if rng.random() < 0.1:
            carry = _dec(annual * Decimal(str(rng.uniform(0.05, 0.3))), 0)
        annual_other = other if annual == total else Decimal(0)
        appropriation = annual - carry - annual_other
        funds = {"total": total, "fiscal": fiscal, "other": other if other else None, "annual_request": annual,
                 "appropriation": appropriation, "carryover": carry, "annual_other": annual_other}
        funds_text = {k: (write_money_yuan(rng, v) if v is not None else None) for k, v in funds.items()}
        if self.hit("funds_dont_add_up"):
            key = rng.choice(["fiscal", "appropriation"])
            funds_text[key] = write_money_yuan(rng, funds[key] + rng.choice([-1, 1]) * _dec(annual * Decimal("0.1"), 0))
            plan.defects.append("funds_dont_add_up")
        budget = write_wan(rng, annual)
        if self.hit("budget_text_differs"):
            shift = rng.choice([-1, 1]) * Decimal(rng.choice([1000, 10000, 50000]))
            budget = write_wan(rng, annual + shift, bare_ok=False)
            plan.defects.append("budget_text_differs")
        if self.hit("wan_yuan_mix_funds"):
            if rng.random() < 0.5:
                budget = format(annual, "f")  # 元 written where the field means 万元
            else:
                funds_text["total"] = format((total / 10000).normalize(), "f")  # 万 in a 元 cell
            plan.defects.append("wan_yuan_mix_funds")

        start, end = f"{year}-01-01", f"{year}-12-31"
        date_style = rng.random()
        if date_style < 0.15:
            start, end = f"{year}年1月1日", f"{year}年12月31日"
        elif date_style < 0.22:
            start, end = f"{year}.01.01", f"{year}.12.31"
        if self.hit("start_after_end"):
            start, end = f"{year}-12-31", f"{year}-01-01"
            plan.defects.append("start_after_end")
        if self.hit("bad_date"):
            bad = rng.choice([f"{year}-02-30", f"{year}-13-01", f"{year}-06-31", f"{year}年12月32日", f"{year}/12"])
            if rng.random() < 0.5:
                start = bad
            else:
                end = bad
            plan.defects.append("bad_date")

        org = department or rng.choice(UNITS_ORG)
        header = {
            "kind": None,  # written by _write_project
            "name": name,
            "nature": nature,
            "category": rng.choice(CATEGORIES),
            "competent_department": org,
            "implementing_unit": org if rng.random() < 0.8 else rng.choice(UNITS_ORG),
            "plan_start": start,
            "plan_end": end,
            "budget_arrangement": budget,
        }
        if self.hit("header_gap"):
            header[rng.choice(["competent_department", "category", "nature"])] = None
            plan.defects.append("header_gap")
        bits = rng.sample(ANNUAL_TARGET_BITS, rng.randint(2, 5))
        annual_target = "，".join(b.format(s=subject) for b in bits) + "。"
        project_target = None if self.hit("missing_project_target") else rng.choice([
            annual_target,
            f"通过{subject}，" + "，".join(b.format(s=subject) for b in rng.sample(ANNUAL_TARGET_BITS, 2)) + "。",
        ])
        text = self._write_project(plan, header, funds_text, project_target, annual_target)
        return plan, self._break(plan, text)

    def _write_project(self, plan: ProjectPlan, header: dict, funds: dict, project_target: str | None,
                       annual_target: str) -> str:
        rng = self.rng
        lang = rng.choices(["en", "zh", "mixed"], [48, 48, 4])[0]
        zh_top = lang != "en"
        zh_rows = lang == "zh"
        alt = zh_top and rng.random() < 0.2

        def k(key: str, table: dict) -> str:
            if not (zh_top if table is not ZH_INDICATOR else zh_rows):
                return key
            return ALT_LABELS[key] if alt and key in ALT_LABELS else table[key]

        lines = [f"# 财政项目支出绩效目标申报表（{plan.year} 年度）—— {plan.name}"]
        lines.append(f"{k('kind', ZH_PROJECT)}: {'项目' if zh_top else 'project'}")
        for key, value in header.items():
            if key == "kind":
                continue
            if value is None:
                lines.append(f"{k(key, ZH_PROJECT)}: ~  # 源表格此单元格为空")
            elif key in ("plan_start", "plan_end") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                lines.append(f"{k(key, ZH_PROJECT)}: {value}")
            else:
                lines.append(f"{k(key, ZH_PROJECT)}: {q(value)}")
        if self.hit("unknown_key"):
            extra_key = rng.choice(["备注", "联系人", "remarks", "项目负责人"])
            lines.append(f"{extra_key}: {q(rng.choice(['无', '张三', '见附件']))}")
            plan.defects.append("unknown_key")
        if self.hit("duplicate_key"):
            lines.append(f"{k('name', ZH_PROJECT)}: {q(plan.name + '（修订）')}")
            plan.defects.append("duplicate_key")
        lines.append(f"{k('funds', ZH_PROJECT)}:")
        for key, value in funds.items():
            if value is None:
                lines.append(f"  {k(key, ZH_FUNDS)}: ~  # 源表格此单元格为空")
            else:
                lines.append(f"  {k(key, ZH_FUNDS)}: {q(value)}")
        if project_target is None:
            lines.append(f"{k('project_target', ZH_PROJECT)}: ~  # 源表格此单元格为空")
        else:
            lines.append(f"{k('project_target', ZH_PROJECT)}: {q(project_target)}")
        if len(annual_target) > 40 and rng.random() < 0.5:
            lines.append(f"{k('annual_target', ZH_PROJECT)}: >-")
            for i in range(0, len(annual_target), 30):
                lines.append("  " + annual_target[i:i + 30])
        else:
            lines.append(f"{k('annual_target', ZH_PROJECT)}: {q(annual_target)}")
        lines.append(f"{k('indicators', ZH_PROJECT)}:")
        flow = rng.random() < 0.6
        keys = [(f, k(f, ZH_INDICATOR)) for f in ("level1", "level2", "level3", "target_value")]
        for row in plan.rows:
            values = {"level1": row.level1, "level2": row.level2, "level3": row.level3, "target_value": row.value}
            present = [(f, label) for f, label in keys if f not in row.omit]
            if flow and row.comment is None:
                cells = ", ".join(f"{label}: {self._cell(values[f], f)}" for f, label in present)
                lines.append(f"  - {{{cells}}}")
            else:
                for i, (f, label) in enumerate(present):
                    lead = "  - " if i == 0 else "    "
                    note = f"  # {row.comment}" if row.comment and values[f] is None else ""
                    lines.append(f"{lead}{label}: {self._cell(values[f], f)}{note}")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _cell(value: str | None, key: str) -> str:
        if value is None:
            return "~"
        if key == "target_value":
            return json.dumps(value, ensure_ascii=False)  # real files quote every 指标值
        return q(value)

    def _break(self, plan: ProjectPlan, text: str) -> str | bytes:
        """A few files are broken beyond a field: invalid YAML, or not UTF-8."""
        rng = self.rng
        if self.hit("invalid_yaml"):
            plan.defects.append("invalid_yaml")
            lines = text.split("\n")
            choice = rng.randrange(3)
            if choice == 0:  # unterminated quote in a target value
                idx = max(i for i, line in enumerate(lines) if line.endswith(('"}', '"')))
                lines[idx] = lines[idx].rstrip("}").rstrip('"')
            elif choice == 1:  # a tab where indentation should be
                idx = next(i for i, line in enumerate(lines) if line.startswith("  "))
                lines[idx] = "\t" + lines[idx].lstrip()
            else:  # a key pasted at a wrong indentation
                idx = next(i for i, line in enumerate(lines) if line.startswith("  ") and ":" in line)
                lines.insert(idx + 1, "   " + lines[idx].strip())
            return "\n".join(lines)
        if self.hit("not_utf8"):
            plan.defects.append("not_utf8")
            return text.encode("gbk", errors="replace")
        return text

    def department(self, index: int, org: str, year: int, plans: list[ProjectPlan], files: list[str]
                   ) -> str:
        rng = self.rng
        zh = rng.random() < 0.55
        k = (lambda key: ZH_DEPARTMENT[key]) if zh else (lambda key: key)
        total = sum((p.annual_request for p in plans), Decimal(0))
        declared_total = write_wan(rng, total)
        if self.hit("dept_total_differs"):
            how = rng.randrange(3)
            if how == 0:  # rounded to whole 万元
                declared_total = f"{_dec(total / 10000, 0)}万元"
            elif how == 1:  # includes an item without targets (抚恤 …)
                declared_total = write_wan(rng, total + Decimal(rng.choice([20000, 35000, 120000])), bare_ok=False)
            else:  # one project left out of the sum
                declared_total = write_wan(rng, total - plans[-1].annual_request, bare_ok=False)
        count = len(files)
        if self.hit("dept_count_differs"):
            count += rng.choice([-1, 1, 2])
        listed = list(files)
        if self.hit("dept_missing_file"):
            listed.insert(rng.randrange(len(listed) + 1), f"p-missing-{index:04d}.yaml")
        lines = [f"# {org} {year} 年财政支出项目绩效目标申报表 —— 绩效目标设置情况",
                 f"{k('kind')}: {'部门' if zh else 'department'}",
                 f"{k('name')}: {q(org)}",
                 f"{k('year')}: {year}",
                 f"{k('budget_unit_count')}: {rng.choice([1, 1, 1, 2, 3])}",
                 f"{k('declared_project_count')}: {count}",
                 f"{k('declared_total')}: {q(declared_total)}",
                 f"{k('projects')}:"]
        lines += [f"  - {f}" for f in listed]
        return "\n".join(lines) + "\n"

    # -- the corpus --------------------------------------------------------------------------

    def run(self, out_dir: Path, count: int) -> list[Path]:
        rng = self.rng
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        number = 0
        dept_index = 0
        while number < count:
            if rng.random() < UNASSIGNED_SHARE:
                number += 1
                plan, text = self.project(f"p{number:06d}.yaml", None, rng.choice(YEARS))
                written.append(_write(out_dir / "unassigned" / plan.file, text))
                continue
            dept_index += 1
            size = min(rng.randint(5, 8), count - number)
            org = f"{rng.choice(UNITS_ORG)}（{dept_index:04d}）"
            folder = out_dir / f"d{dept_index:04d}"
            year = rng.choice(YEARS)
            plans, files = [], []
            for _ in range(size):
                number += 1
                plan, text = self.project(f"p{number:06d}.yaml", org, year)
                written.append(_write(folder / plan.file, text))
                plans.append(plan)
                files.append(plan.file)
            written.append(_write(folder / "department.yaml", self.department(dept_index, org, year, plans, files)))
        self.stats["projects"] = count
        self.stats["departments"] = dept_index
        return written


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def generate(out_dir: Path, count: int, seed: int) -> list[Path]:
    """Write ``count`` project declarations (and their department files) under ``out_dir``.

    Returns every file written (projects and departments) in writing order. Deterministic for
    (count, seed). Raises ValueError for a negative count.
    """
    if count < 0:
        raise ValueError("count must be ≥ 0")
    return Generator(seed).run(Path(out_dir), count)


def generate_with_stats(out_dir: Path, count: int, seed: int) -> tuple[list[Path], Counter]:
    """Like :func:`generate`, also returning how many times each defect was injected."""
    if count < 0:
        raise ValueError("count must be ≥ 0")
    gen = Generator(seed)
    paths = gen.run(Path(out_dir), count)
    return paths, gen.stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic declaration corpus.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=1000, help="project declarations to write [1000]")
    parser.add_argument("--seed", type=int, default=1, help="random seed [1]")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be ≥ 0")
    paths, stats = generate_with_stats(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} files ({stats['projects']} projects, {stats['departments']} departments) "
          f"to {args.out_dir}")
    defects = {k: v for k, v in sorted(stats.items()) if k not in ("projects", "departments")}
    print("defects injected: " + ", ".join(f"{k}={v}" for k, v in defects.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
