"""Intake: files in, the typed model out.

In: paths given on the command line (files or directories). Out: a :class:`~g60rules.intake.yaml_loader.Corpus`
of :mod:`g60rules.model` departments and projects, plus findings for every file that could not be
read or placed (with file and line, or sheet and cell). Nothing downstream knows which file type a
declaration came from: every reader finds cells and labels and hands them to
:mod:`g60rules.intake.build` (``build_project`` / ``build_department``), which decides what they
mean and reports what cannot be read, located by :class:`~g60rules.model.Location`. Files are
loaded in units (:mod:`~g60rules.intake.units`: a department file with the project files it owns, or
one file — a workbook whole); ``load_corpus`` loads every unit here, the streamed check one unit at a
time in its workers, through the same function.
"""
