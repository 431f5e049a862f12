"""The rule registry: one module per rule code, each exposing ``RULE``; ``all_rules()`` in code order (what
the engine evaluates). ``catalogue()`` / ``describe_rule()`` also know the national rules (``national``),
which alerts carry but the engine does not evaluate: display code looks codes up there."""

from __future__ import annotations

from importlib import import_module
from pkgutil import iter_modules

from wageguard.monitoring.rules.base import Rule

_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry (called once at import of its module); codes must be unique."""
    existing = _REGISTRY.get(rule.code)
    if existing is not None and existing is not rule:
        raise ValueError(f"rule code {rule.code} registered twice")
    _REGISTRY[rule.code] = rule
    return rule


def rule_modules() -> list[str]:
    """Names of the rule modules in this package (``wNN_*``)."""
    return sorted(m.name for m in iter_modules(__path__) if m.name[:1] == "w" and m.name[1:3].isdigit())


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by code."""
    for name in rule_modules():
        import_module(f"{__name__}.{name}")
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get_rule(code: str) -> Rule:
    """The rule of ``code`` (the modules are scanned and imported only until it is registered)."""
    if code not in _REGISTRY:
        all_rules()
    return _REGISTRY[code]


def catalogue() -> list[Rule]:
    """Every rule an alert may carry, for display: the engine's rules by code, then the national
    cross-province ones (N01–N03, ``national``: catalogue entries the engine does not evaluate)."""
    from wageguard.monitoring.rules.national import NATIONAL_RULES

    return [*all_rules(), *NATIONAL_RULES.values()]


def describe_rule(code: str) -> Rule:
    """The rule of an alert's ``code`` for display (titles, level, basis): an engine rule or a national one;
    ``KeyError`` for a code neither knows."""
    from wageguard.monitoring.rules.national import NATIONAL_RULES

    found = NATIONAL_RULES.get(code)
    return found if found is not None else get_rule(code)
