"""Engines: compiled rules and facts in, findings out.

:mod:`~g60rules.engines.reference` is the pure-Python evaluator; :mod:`~g60rules.engines.durable`
runs the same compiled rules on durable-rules; :mod:`~g60rules.engines.pool` supervises the worker
processes (deadlines, fallback to the reference evaluator) and turns hits into findings.
"""
