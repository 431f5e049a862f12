"""Demo stage: run the monitoring engine as of ``ctx.as_of`` over the demo months and record what it raised.

Runs last, after every stage that planted faults. ``ctx.truth["monitoring"]`` holds the run's counts per rule
and the keys of the alerts that hold (``rule_code``, ``subject_key``, ``period``, ``project_id``); the
alerts are then compared with the ground truth the other stages recorded (precision, recall, alerts on
clean projects), and the truth with the comparison is written to ``<out>/truth.json``.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import compare, ground_truth
from wageguard.monitoring.calendar import months_back
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert


def monitoring_stage(ctx: DemoContext) -> None:
    months = months_back(ctx.as_of, max(ctx.months, 1))
    summary = run_monitoring(db=ctx.db, settings=ctx.settings, as_of=ctx.as_of, months=months, trigger="demo")
    with ctx.db.sessions() as session:
        rows = session.execute(
            select(Alert.rule_code, Alert.subject_key, Alert.period, Alert.project_id, Alert.level).where(
                Alert.still_holds.is_(True)
            )
        ).all()
    alerts = [
        {"rule_code": r, "subject_key": k, "period": p, "project_id": pid, "level": lv}
        for r, k, p, pid, lv in rows
    ]
    per_rule = dict(Counter(r for r, *_ in rows))
    ctx.truth["monitoring"] = {
        "run_id": summary.run_id,
        "as_of": ctx.as_of.isoformat(),
        "months": summary.months,
        "per_rule": dict(sorted(per_rule.items())),
        "alerts": alerts,
    }
    ctx.log(
        f"    监测预警 monitoring: {len(alerts):,} alerts "
        + ", ".join(f"{k} {v}" for k, v in sorted(per_rule.items()))
    )
    truth = ground_truth(ctx)
    comparison = compare(ctx.db, truth)
    path = truth.write(ctx.out_dir / "truth.json", comparison)
    ctx.truth["comparison"] = comparison.as_dict()
    ctx.log(f"    真值对照 / {comparison.report()}")
    ctx.log(f"    真值文件 / ground truth written to {path}")
