"""Intake: files in, the typed model out.

In: paths given on the command line (files or directories). Out: a :class:`~g60rules.intake.yaml_loader.Corpus`
of :mod:`g60rules.model` departments and projects, plus findings for every file that could not be
read or placed (with file and line, or sheet and cell). Nothing downstream knows which file type a
declaration came from.
"""
