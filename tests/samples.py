"""Sample ruleset text shared by the ruleset tests."""

# One valid rule (a list item under ``rules:``), at lines 3–12 of a file that starts with
# "ruleset: t\nrules:\n"; tests break one line of it at a time.
MINIMAL_RULE = """\
  - id: T-001
    title: {zh: 测试, en: test}
    severity: error
    basis: {source: SH-FORM, clause: 测试}
    applies_to: indicator
    when: {field: value.amount, gt: 100}
    message: {zh: 超过, en: above}
    examples:
      - {expect: fail, declaration: {indicators: [{target_value: "≥120(%)"}]}}
      - {expect: pass, declaration: {indicators: [{target_value: "≥90(%)"}]}}
"""
