"""Run every rule's own examples: a failing example must make the rule fire, a passing one must not.

This is how policy staff know an edit did what they meant (in the spirit of sqlfluff's rule cases
and ``conftest verify``). Each example's ``declaration`` is a project fragment (or, with
``kind: department``, a department with inline projects) in the declaration format, English keys or
Chinese labels. A failing example may also state a ``message`` fragment, the ``field`` or ``row``
of the finding, or the ``count`` of findings. All examples of a ruleset are screened in one run.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from g60rules.engines.pool import screen_corpus
from g60rules.findings import Finding
from g60rules.intake.yaml_loader import Corpus, load_text
from g60rules.layouts import Layouts
from g60rules.model import Department, Project
from g60rules.rules.compiler import CompiledRule, CompiledRuleset


@dataclass
class ExampleOutcome:
    """One example's result; ``problem`` (zh, en) says what went wrong, None when it behaved."""

    rule: CompiledRule
    index: int
    expect: str
    findings: list[Finding]
    load_problems: list[Finding]
    problem: tuple[str, str] | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def label(self) -> str:
        name = self.rule.examples[self.index].name
        return f"{self.rule.id}[{self.index}:{self.expect}{' ' + name if name else ''}]"


class _PlainDumper(yaml.SafeDumper):
    """Writes an object met twice in full: PyYAML would write an alias, which intake refuses."""

    def ignore_aliases(self, data) -> bool:
        return True


def example_corpus(declaration: dict, label: str, layouts: Layouts | None = None) -> Corpus:
    """Load an example fragment exactly as a declaration file would be loaded (with the ruleset's layouts)."""
    data = dict(declaration)
    if "kind" not in data and "类型" not in data:
        data = {"kind": "project", **data}
    obj, problems = load_text(yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False), label,
                              layouts=layouts)
    corpus = Corpus(findings=list(problems), files=[label])
    if isinstance(obj, Department):
        corpus.departments.append(obj)
    elif isinstance(obj, Project):
        corpus.projects.append(obj)
    return corpus


def _judge(rule: CompiledRule, index: int, fired: list[Finding], loaded: list[Finding]) -> tuple[str, str] | None:
    example = rule.examples[index]
    if loaded:
        detail = "; ".join(f.message_en for f in loaded)
        return f"示例无法读取：{'；'.join(f.message_zh for f in loaded)}", f"the example does not load: {detail}"
    if example.expect == "pass":
        if fired:
            return (f"通过示例上规则触发了：{fired[0].message_zh}", f"the rule fired on a passing example: {fired[0].message_en}")
        return None
    if not fired:
        return "失败示例上规则没有触发", "the rule did not fire on a failing example"
    if example.count is not None and len(fired) != example.count:
        return (f"应有 {example.count} 条结果，实际 {len(fired)} 条", f"expected {example.count} findings, got {len(fired)}")
    if example.row is not None and all(f.row != example.row for f in fired):
        rows = ", ".join(str(f.row) for f in fired)
        return f"应在第 {example.row} 行，实际在第 {rows} 行", f"expected on row {example.row}, found on row {rows}"
    if example.field is not None and all(f.field != example.field for f in fired):
        return (f"应指向字段 {example.field}，实际为 {fired[0].field}",
                f"expected the field {example.field}, got {fired[0].field}")
    if example.message is not None and all(
            example.message not in f.message_zh and example.message not in f.message_en for f in fired):
        return (f"消息中没有“{example.message}”：{fired[0].message_zh}",
                f"no message contains '{example.message}': {fired[0].message_en}")
    return None


def run_examples(ruleset: CompiledRuleset, engine: str = "reference") -> list[ExampleOutcome]:
    """Outcome of every example of every rule in ``ruleset`` (one screening run for all of them)."""
    corpus = Corpus()
    labels: list[tuple[CompiledRule, int, str, list[Finding]]] = []
    for rule in ruleset.rules:
        for index, example in enumerate(rule.examples):
            label = f"{rule.origin}#{rule.id}.examples[{index}]"
            part = example_corpus(example.declaration, label, ruleset.layouts)
            corpus.departments += part.departments
            corpus.projects += part.projects
            corpus.files += part.files
            labels.append((rule, index, label, part.findings))
    result = screen_corpus(corpus, ruleset, engine=engine)
    by_label: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_label.setdefault(finding.file, []).append(finding)
    # on --engine durable, an example re-checked by the reference evaluator proves nothing about
    # durable-rules: that is a failure of the example run, with the reason
    fell_back = dict(result.fallbacks)
    outcomes = []
    for rule, index, label, loaded in labels:
        fired = [f for f in by_label.get(label, []) if f.rule_id == rule.id and f.rule_id != "G60-ENGINE-001"]
        problem = _judge(rule, index, fired, loaded)
        if label in fell_back:
            problem = (f"durable-rules 未能运行此示例：{fell_back[label]}",
                       f"durable-rules could not run this example: {fell_back[label]}")
        outcomes.append(ExampleOutcome(rule, index, rule.examples[index].expect, fired, loaded, problem))
    return outcomes
