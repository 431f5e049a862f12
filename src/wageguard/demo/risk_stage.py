"""Demo stage, risk: the three external feeds driven by each enterprise's hidden propensity, imported through
the real path, and every enterprise scored as of ``ctx.as_of`` (issue 13).

Runs after the complaints stage and before monitoring: the feeds (``demo/risk_feeds.py``: contracting CSV,
tax XLSX, registration JSON, all dated by the feeds' data date, two weeks before the back-test cut) go
through ``risk.service.import_feed_file`` as ``SYSTEM``, exactly as an admin's upload would (a rejected
file stops the demo), then ``score_enterprises`` scores every enterprise with the scorecard so the
monitoring stage's run raises W21 for the red band. The score is therefore computed *before* this run's
alerts exist: its platform-history factors see the payments, inflows and complaints already written but no
alerts of the demo months (a later ``wageguard risk score`` sees them). The red-band enterprises go into
the ground truth as the expected W21 alerts; the propensities and the propensity-driven arrears the money
stage planted go into ``ctx.truth["risk"]`` and ``truth.json``.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from wageguard.auth.scope import SYSTEM
from wageguard.demo.money_plan import PROPENSITY_ARREARS
from wageguard.demo.risk_feeds import FeedCorp, FeedFiles, FeedProject, write_feeds
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import ground_truth
from wageguard.errors import ImportRejected
from wageguard.registry.models import Enterprise, Project
from wageguard.risk.choices import Feed
from wageguard.risk.models import RiskScore
from wageguard.risk.scoring import score_enterprises
from wageguard.risk.service import import_feed_file

RED_FAULT = "risk_red"  # an enterprise the scorecard puts in the red band: W21 expected


def read_registry(ctx: DemoContext) -> tuple[list[FeedCorp], list[FeedProject]]:
    """The registered enterprises and the projects with an owner, as the feeds need them."""
    owner, gc = aliased(Enterprise), aliased(Enterprise)
    with ctx.db.sessions() as s:
        corps = [
            FeedCorp(code, established, capital)
            for code, established, capital in s.execute(
                select(Enterprise.corp_code, Enterprise.establish_date, Enterprise.reg_capital_fen)
            )
        ]
        rows = s.execute(
            select(
                Project.project_code,
                owner.corp_code,
                gc.corp_code,
                Project.invest_fen,
                Project.contract_signed_date,
            )
            .join(owner, owner.id == Project.build_corp_id)
            .outerjoin(gc, gc.id == Project.contractor_id)
        )
        projects = [FeedProject(*row) for row in rows]
    return corps, projects


def import_feeds(ctx: DemoContext, files: FeedFiles) -> dict[str, dict[str, Any]]:
    """Import the three files; per feed the report's row counts and its snapshot counts (``subjects``)."""
    counts: dict[str, dict[str, Any]] = {}
    for feed, path in ((Feed.REGISTRATION, files.registration), (Feed.TAX, files.tax),
                       (Feed.CONTRACTING, files.contracting)):  # fmt: skip
        started = time.perf_counter()
        try:
            report = import_feed_file(db=ctx.db, feed=feed, path=path, actor=SYSTEM, settings=ctx.settings)
        except ImportRejected as exc:
            first = [p.as_dict() for p in exc.problems[:5]]
            raise RuntimeError(f"demo risk feed {path.name} was rejected: {first}") from exc
        counts[feed.value] = {
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "subjects": dict(report.details.get("subjects") or {}),
        }
        ctx.log(
            f"    {feed.value:<13} {report.rows:>7,} 行/rows  新增/inserted {report.inserted:,}  "
            f"更新/updated {report.updated:,}  未变/unchanged {report.unchanged:,}  "
            f"{time.perf_counter() - started:.1f}s"
        )
    return counts


def record_risk_truth(
    ctx: DemoContext, files: FeedFiles, counts: dict[str, Any], bands: dict[str, int]
) -> None:
    """Red-band enterprises as expected W21 alerts; propensities and propensity plants for the record."""
    truth = ground_truth(ctx)
    truth.forget("risk")
    with ctx.db.sessions() as s:
        red = s.execute(
            select(Enterprise.corp_code, RiskScore.total)
            .join(RiskScore, RiskScore.enterprise_id == Enterprise.id)
            .where(RiskScore.as_of == ctx.as_of, RiskScore.band == "red")
            .order_by(Enterprise.corp_code)
        ).all()
    for code, total in red:
        truth.plant(RED_FAULT, "risk", None, corp_code=code, total=total)
        truth.expect("W21", "enterprise", code, "", "", fault=RED_FAULT)
    plants = [
        {k: f[k] for k in ("project_code", "month", "worker_ids")}
        for f in truth.faults
        if f["fault"] == PROPENSITY_ARREARS
    ]
    truth.risk = ctx.truth["risk"] = {
        "data_date": files.data_date.isoformat(),
        "propensity": {code: round(z, 4) for code, z in files.propensity.items()},
        "propensity_plants": plants,
        "feeds": counts,
        "bands": bands,
        "red": [code for code, _ in red],
    }


def risk_stage(ctx: DemoContext) -> None:
    """Write and import the risk feeds, score every enterprise as of ``ctx.as_of``, record the truth."""
    started = time.perf_counter()
    corps, projects = read_registry(ctx)
    files = write_feeds(ctx.out_dir / "risk", seed=ctx.seed, as_of=ctx.as_of, corps=corps, projects=projects)
    counts = import_feeds(ctx, files)
    summary = score_enterprises(db=ctx.db, as_of=ctx.as_of)
    record_risk_truth(ctx, files, counts, summary.bands)
    ctx.log(
        f"    风险评分 / risk scores: {summary.scored} 家企业 enterprises as of {ctx.as_of}, "
        + ", ".join(f"{band} {n}" for band, n in summary.bands.items())
        + f"; {len(ctx.truth['risk']['propensity_plants'])} 处倾向性欠薪 propensity arrears, "
        f"{time.perf_counter() - started:.1f}s"
    )
