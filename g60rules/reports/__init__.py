"""Reports: one screening result in, every format out, all from the same findings and summary.

:mod:`~g60rules.reports.summary` builds the :class:`~g60rules.reports.summary.Report` (findings,
groups, counts by unit and rule) that every renderer reads; :mod:`~g60rules.reports.formats` renders
any format by name. Renderers: :mod:`~g60rules.reports.text` (terminal, JSON),
:mod:`~g60rules.reports.machine` (SARIF, JUnit, GitHub annotations, GitLab Code Quality, JSON Lines),
:mod:`~g60rules.reports.html` (self-contained HTML with charts and filters),
:mod:`~g60rules.reports.tables` (Excel workbook, CSV), :mod:`~g60rules.reports.letters` (return
letters per unit, .docx and .html). :mod:`~g60rules.reports.compare` marks findings new, still open or
fixed against a previous JSON report.
"""
