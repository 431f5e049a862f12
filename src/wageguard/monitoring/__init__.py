"""Monitoring engine: reconcile attendance against money, evaluate the W-rules, raise and route alerts.

Entry points: ``engine.run_monitoring`` (``wageguard monitor run``, the daily scheduler, runs after imports),
``service`` (alert lifecycle), ``queries`` (inbox, detail, "does this project owe wages?").
"""
