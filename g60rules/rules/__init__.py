"""Rule tooling: ruleset format and compiler, conditions, lint, examples, docs, explain, impact.

In: ruleset YAML files (data, never code). Out: a :class:`~g60rules.rules.compiler.CompiledRuleset`
of negation-free conditions that both engines evaluate, and the tools policy staff use on it.
"""
