"""``g60rules impact OLD NEW PATH…``: preview a ruleset change on a corpus before it is enforced.

OLD and NEW are ruleset files, or ``git:REF:PATH`` for a ruleset as committed at REF (its
``extends`` parents are taken from the same commit). Both run over the same declarations on the
reference evaluator (identical to durable-rules, as the differential tests prove, and needs no
worker processes); the findings are matched by rule, file, project, indicator row and field, and
reported per rule as newly failing, newly passing, or changed in severity, state or message — as
text, or as Markdown to paste into a review.
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from g60rules.engines.pool import screen_corpus
from g60rules.findings import Finding
from g60rules.intake.yaml_loader import load_corpus
from g60rules.progress import SILENT, Progress
from g60rules.rules.compiler import CompiledRuleset, load_ruleset
from g60rules.safeio import alias_line
from g60rules.sanitize import markdown, plain


class ImpactError(Exception):
    """A ruleset reference that cannot be resolved (bad git ref or path).

    ``str(error)`` is English; ``zh`` the same in Chinese; ``text(lang)`` picks one.
    """

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.zh = zh

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def _git(*args: str, cwd: Path, ref: str | None = None) -> str:
    """git's standard output; a failure names the ref (if any) and the repository, git's text as detail."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:  # git not installed, or the directory vanished
        done = subprocess.CompletedProcess(args, 1, "", str(exc))
    if done.returncode != 0:
        detail = plain(" ".join(done.stderr.split())) or f"git {' '.join(args)} exit {done.returncode}"
        if ref is None:
            raise ImpactError(f"{cwd} is not a git repository readable here (git: {detail})",
                              f"{cwd} 不是可读取的 git 仓库（git：{detail}）")
        raise ImpactError(f"cannot read {args[-1].partition(':')[2]} at git version '{ref}' in repository {cwd} "
                          f"(git: {detail})",
                          f"无法在仓库 {cwd} 中读取 git 版本“{ref}”的 {args[-1].partition(':')[2]}（git：{detail}）")
    return done.stdout


def _materialise(ref: str, path: str, into: Path) -> Path:
    """Write ``path`` as of ``ref`` (and its ``extends`` chain) under ``into``; returns the file."""
    top = Path(_git("rev-parse", "--show-toplevel", cwd=Path.cwd()).strip())
    prefix = _git("rev-parse", "--show-prefix", cwd=Path.cwd()).strip()
    relative = PurePosixPath(posixpath.normpath(PurePosixPath(prefix) / path))
    first = into / relative
    todo, seen = [relative], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        text = _git("show", f"{ref}:{current}", cwd=top, ref=ref)
        target = into / current
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            if alias_line(root, text) is not None or not isinstance(root, yaml.MappingNode):
                continue  # loading reports the refused alias, or the shape, with its line
        except (yaml.YAMLError, RecursionError):
            continue  # loading reports the syntax error with its line
        parent = next((v.value for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "extends"
                       and isinstance(v, yaml.ScalarNode)), None)
        if parent:
            todo.append(PurePosixPath(posixpath.normpath(current.parent / parent)))
    return first


def resolve(spec: str, workdir: Path) -> CompiledRuleset:
    """Load a ruleset given as a path or ``git:REF:PATH`` (PATH relative to the current directory).

    Raises ImpactError or RulesetError.
    """
    if spec.startswith("git:"):
        _, ref, path = spec.split(":", 2) if spec.count(":") >= 2 else (None, None, None)
        if not ref or not path:
            raise ImpactError(f"'{spec}': write git:REF:PATH", f"“{spec}”：请写 git:版本:路径")
        into = workdir / ref.replace("/", "_")
        return load_ruleset(_materialise(ref, path, into), also=into)
    if not Path(spec).is_file():
        raise ImpactError(f"ruleset not found: {spec}", f"找不到规则集：{spec}")
    return load_ruleset(Path(spec))


def _key(f: Finding) -> tuple:
    return (f.rule_id, f.file, f.project, f.row, f.indicator, f.field)


@dataclass
class RuleImpact:
    """What changed for one rule."""

    rule_id: str
    newly_fail: list[Finding] = field(default_factory=list)
    newly_pass: list[Finding] = field(default_factory=list)
    changed: list[tuple[Finding, Finding]] = field(default_factory=list)


def compare(old: list[Finding], new: list[Finding]) -> list[RuleImpact]:
    """Per rule: findings only in ``new``, only in ``old``, and in both but with other severity/state/message."""
    before = defaultdict(list)
    for f in old:
        before[_key(f)].append(f)
    after = defaultdict(list)
    for f in new:
        after[_key(f)].append(f)
    impacts: dict[str, RuleImpact] = {}

    def get(rule_id: str) -> RuleImpact:
        return impacts.setdefault(rule_id, RuleImpact(rule_id))

    for key in sorted(set(before) | set(after), key=lambda k: tuple(str(p) for p in k)):
        a, b = before.get(key, []), after.get(key, [])
        for x, y in zip(a, b):
            if (x.severity, x.state, x.message_zh) != (y.severity, y.state, y.message_zh):
                get(key[0]).changed.append((x, y))
        get(key[0]).newly_pass.extend(a[len(b):])
        get(key[0]).newly_fail.extend(b[len(a):])
    return [i for _, i in sorted(impacts.items()) if i.newly_fail or i.newly_pass or i.changed]


def impact(old_spec: str, new_spec: str, paths: list[Path], progress: Progress = SILENT) -> list[RuleImpact]:
    """Run both rulesets over ``paths`` and compare. Raises ImpactError, RulesetError, FileNotFoundError.

    ``progress`` sees the files read, then the declarations screened twice (old, then new ruleset).
    """
    corpus = load_corpus(paths, progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        old = resolve(old_spec, Path(tmp) / "old")
        new = resolve(new_spec, Path(tmp) / "new")
    old_findings = screen_corpus(corpus, old, engine="reference", progress=progress).findings
    new_findings = screen_corpus(corpus, new, engine="reference", progress=progress).findings
    return compare(old_findings, new_findings)


def _where(f: Finding, lang: str) -> str:
    row = (f" row {f.row}" if lang == "en" else f" 第{f.row}行") if f.row else ""
    return f"{f.file}:{f.line} {f.project or ''}{row} {f.indicator or ''}".rstrip()


def render(impacts: list[RuleImpact], fmt: str, lang: str, limit: int = 5) -> str:
    """Text or Markdown (``md``) report; at most ``limit`` examples per list.

    Declaration and ruleset text goes through :mod:`g60rules.sanitize` (``plain`` for text,
    ``markdown`` for md): it can neither start a line nor add links, images, HTML or table cells.
    """
    zh = lang != "en"
    esc = markdown if fmt == "md" else plain
    labels = ("新增不通过", "不再触发", "严重程度/状态/消息变化") if zh else ("newly fail", "newly pass", "changed")
    if not impacts:
        return ("两个规则集在这些申报上的结果相同\n" if zh else "no change on these declarations\n")
    out: list[str] = []
    if fmt == "md":
        out += [f"| {'rule' if not zh else '规则'} | " + " | ".join(labels) + " |", "|---|---|---|---|"]
        out += [f"| `{plain(i.rule_id).replace('`', '')}` | {len(i.newly_fail)} | {len(i.newly_pass)} | {len(i.changed)} |"
                for i in impacts]
        out.append("")
    for i in impacts:
        out.append(f"### {esc(i.rule_id)}" if fmt == "md" else esc(i.rule_id))
        for label, items in zip(labels, (i.newly_fail, i.newly_pass, i.changed)):
            if not items:
                continue
            out.append(f"- {label}: {len(items)}" if fmt == "md" else f"  {label}: {len(items)}")
            for item in items[:limit]:
                if isinstance(item, tuple):
                    a, b = item
                    text = f"{esc(_where(b, lang))}: {a.severity}/{a.state} → {b.severity}/{b.state}"
                    text += (f"; {esc(b.message(lang))}" if a.message(lang) == b.message(lang)
                             else f"; “{esc(a.message(lang))}” → “{esc(b.message(lang))}”")
                else:
                    text = f"{esc(_where(item, lang))}: {esc(item.message(lang))}"
                out.append(f"  - {text}" if fmt == "md" else f"    {text}")
            if len(items) > limit:
                more = f"…另有 {len(items) - limit} 条" if zh else f"… {len(items) - limit} more"
                out.append(f"  - {more}" if fmt == "md" else f"    {more}")
        out.append("")
    return "\n".join(out)
