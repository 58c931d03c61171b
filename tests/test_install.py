"""Issue 10.11: where durable-rules cannot be imported, every command but the durable engine works."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI in a fresh interpreter in which durable-rules' modules cannot be imported, as on a
# machine where pip could not build it.
SCRIPT = textwrap.dedent("""
    import json, sys
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name == "durable_rules_engine" or name == "durable" or name.startswith("durable."):
                raise ImportError(f"No module named {name!r}")
            return None
    sys.meta_path.insert(0, Block())
    for name in [m for m in sys.modules if m.startswith(("durable", "durable_rules_engine"))]:
        del sys.modules[name]
    from typer.testing import CliRunner
    from g60rules.cli import app
    runner = CliRunner()
    out = {}
    for name, args in json.loads(sys.argv[1]).items():
        result = runner.invoke(app, args)
        out[name] = [result.exit_code, result.output]
    print(json.dumps(out, ensure_ascii=False))
""")


def test_without_durable_rules_the_reference_engine_and_other_commands_work(tmp_path):
    decl = str(ROOT / "declarations")
    commands = {
        "reference": ["check", decl, "--engine", "reference", "--format", "json"],
        "durable": ["check", decl],
        "durable_en": ["check", decl, "--lang", "en"],
        "rules": ["rules"],
        "lint": ["ruleset", "lint", str(ROOT / "rulesets" / "core.yaml")],
        "test": ["ruleset", "test"],
        "explain": ["explain", "G60-APP-001", decl],
        "graph": ["graph", decl],
        "baseline": ["baseline", "create", decl, "--baseline", str(tmp_path / "b.json")],
    }
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(commands)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    code, report = out["reference"]
    assert code == 1 and any(f["rule_id"] == "G60-APP-001" for f in json.loads(report)["findings"])
    for name in ("rules", "lint", "test", "explain", "graph", "baseline"):
        assert out[name][0] == 0, (name, out[name][1])
    code, message = out["durable"]
    assert code == 2 and "durable_rules_engine" in message and "--engine reference" in message
    assert "C 编译器" in message and "相同的检查结果" in message
    assert out["durable_en"][0] == 2 and "same findings" in out["durable_en"][1]
