"""Reports: a screening result in, text for people and machine formats for CI out.

:mod:`~g60rules.reports.text` renders the terminal report and JSON; :mod:`~g60rules.reports.machine`
renders SARIF, JUnit, GitHub annotations, GitLab Code Quality and JSON Lines from the same findings.
"""
