"""Hard dependencies imported lazily must fail loudly when missing, never read values wrongly."""

import subprocess
import sys


def test_values_refuses_to_load_without_cn2an():
    # A stale environment without cn2an used to read "≥三次" as an unreadable value (a false
    # finding) instead of saying the install is incomplete.
    code = "import sys\nsys.modules['cn2an'] = None  # as if not installed\nimport g60rules.values\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0
    assert "cn2an" in done.stderr and "pip install" in done.stderr
