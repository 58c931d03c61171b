"""Engines: compiled rules and facts in, findings out.

:mod:`~g60rules.engines.reference` is the pure-Python evaluator; :mod:`~g60rules.engines.durable`
runs the same compiled rules on durable-rules; :mod:`~g60rules.engines.pool` turns hits into
findings and is the entry point (``screen``); :mod:`~g60rules.engines.stream` screens unit by unit
(a department with its projects, or one file) in :mod:`~g60rules.engines.workers` (supervised processes with
deadlines that end with their parent), :mod:`~g60rules.engines.cache` keeps results (``--cache``)
and :mod:`~g60rules.engines.cluster` runs the units on Dask (``--scheduler``).
"""
