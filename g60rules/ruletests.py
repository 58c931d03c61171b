"""Run every rule's own examples: a failing example must make the rule fire, a passing one must not.

This is how policy staff know an edit did what they meant (in the spirit of sqlfluff's rule cases).
Each example's ``declaration`` is a project fragment (or, with ``kind: department``, a department
with inline projects) in the declaration format, English keys or Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .engine import screen_corpus
from .findings import Finding
from .loader import Corpus, load_text
from .model import Department, Project
from .rulesets import CompiledRule, CompiledRuleset


@dataclass
class ExampleOutcome:
    """One example's result; ``ok`` says whether the rule behaved as the example expects."""

    rule: CompiledRule
    index: int
    expect: str
    ok: bool
    findings: list[Finding]
    load_problems: list[Finding]

    @property
    def label(self) -> str:
        name = self.rule.examples[self.index].name
        return f"{self.rule.id}[{self.index}:{self.expect}{' ' + name if name else ''}]"


def example_corpus(declaration: dict, label: str) -> Corpus:
    """Load an example fragment exactly as a declaration file would be loaded."""
    data = dict(declaration)
    if "kind" not in data and "类型" not in data:
        data = {"kind": "project", **data}
    obj, problems = load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), label)
    corpus = Corpus(findings=list(problems), files=[label])
    if isinstance(obj, Department):
        corpus.departments.append(obj)
    elif isinstance(obj, Project):
        corpus.projects.append(obj)
    return corpus


def run_examples(ruleset: CompiledRuleset, engine: str = "reference") -> list[ExampleOutcome]:
    """Outcome of every example of every rule in ``ruleset``."""
    outcomes = []
    for rule in ruleset.rules:
        for index, example in enumerate(rule.examples):
            label = f"{rule.origin}#{rule.id}.examples[{index}]"
            corpus = example_corpus(example.declaration, label)
            result = screen_corpus(corpus, ruleset, engine=engine, jobs=1)
            fired = [f for f in result.findings if f.rule_id == rule.id]
            ok = bool(fired) == (example.expect == "fail") and not corpus.findings
            outcomes.append(ExampleOutcome(rule, index, example.expect, ok, fired, corpus.findings))
    return outcomes
