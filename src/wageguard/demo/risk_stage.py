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
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from wageguard.auth.scope import SYSTEM
from wageguard.demo.money_plan import PROPENSITY_ARREARS
from wageguard.demo.risk_feeds import CUT_MONTHS, FeedCorp, FeedFiles, FeedProject, write_feeds
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import compare, ground_truth
from wageguard.errors import ImportRejected
from wageguard.registry.models import Enterprise, Project
from wageguard.risk.choices import Feed
from wageguard.risk.learning import default_cut
from wageguard.risk.models import RiskScore
from wageguard.risk.scoring import score_enterprises
from wageguard.risk.service import import_feed_file

RED_FAULT = "risk_red"  # an enterprise the scorecard puts in the red band: W21 expected
OUTCOME_MONTHS = 3  # the learned model's horizon: W06/W17/W18 within three months of the cut


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


def record_risk_truth(ctx: DemoContext, record: dict[str, Any], bands: dict[str, int]) -> None:
    """Red-band enterprises as expected W21 alerts; propensities, propensity plants and ``record`` (what the
    stage did) in ``ctx.truth["risk"]`` and truth.json."""
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
        **record,
        "propensity_plants": plants,
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
    record = {
        "data_date": files.data_date.isoformat(),
        "propensity": {code: round(z, 4) for code, z in files.propensity.items()},
        "feeds": counts,
    }
    record_risk_truth(ctx, record, summary.bands)
    ctx.log(
        f"    风险评分 / risk scores: {summary.scored} 家企业 enterprises as of {ctx.as_of}, "
        + ", ".join(f"{band} {n}" for band, n in summary.bands.items())
        + f"; {len(ctx.truth['risk']['propensity_plants'])} 处倾向性欠薪 propensity arrears, "
        f"{time.perf_counter() - started:.1f}s"
    )


# -- after monitoring: the learned model ------------------------------------------------------------------

MIN_EXAMPLES = 20  # general contractors at the cut; a smaller city keeps the scorecard alone
MIN_OUTCOMES = 5  # of each kind (with and without an alert)


def training_cut(as_of: date) -> date:
    """The demo's training cut: the day after ``as_of`` less ``CUT_MONTHS`` months, so the outcome window
    ``[cut, cut + 3 months)`` (``risk/outcomes.py``) holds the demo run's alerts, first seen on ``as_of``;
    the features are read as of the day before the cut, after the feeds' data date and before every demo
    month."""
    return default_cut(as_of, CUT_MONTHS)


def risk_model_stage(ctx: DemoContext) -> None:
    """Train the learned model on the demo's own outcomes, re-score every enterprise with it and run the
    engine again, so W21 follows the new scores (their history factors now see the demo's alerts) and the
    ground truth is compared afresh. A city with fewer than ``MIN_EXAMPLES`` general contractors, or fewer
    than ``MIN_OUTCOMES`` with and without an alert, keeps the scorecard alone (logged)."""
    from wageguard.demo.monitoring_stage import monitoring_stage
    from wageguard.risk.learning import train_model, training_set
    from wageguard.risk.model import load_model

    started = time.perf_counter()
    cut = training_cut(ctx.as_of)
    examples = training_set(ctx.db.engine, [cut], OUTCOME_MONTHS)
    positives = int(examples["outcome"].sum()) if examples.height else 0
    model_info: dict[str, Any] = {"cut": cut.isoformat(), "examples": examples.height, "outcomes": positives}
    record = {k: v for k, v in ctx.truth.get("risk", {}).items() if k not in ("propensity_plants", "red")}
    if examples.height < MIN_EXAMPLES or min(positives, examples.height - positives) < MIN_OUTCOMES:
        record_risk_truth(ctx, record | {"model": model_info | {"trained": False}}, record.get("bands", {}))
        truth = ground_truth(ctx)
        truth.write(ctx.out_dir / "truth.json", compare(ctx.db, truth))  # with the model's record
        ctx.log(
            f"    风险模型 / risk model: 样本太少，仅用评分卡 / too few examples to train "
            f"({examples.height} contractors, {positives} with an alert at the cut {cut}): scorecard alone"
        )
        return
    report = train_model(
        db=ctx.db, cut=cut, out_dir=ctx.settings.risk_models, horizon_months=OUTCOME_MONTHS, cuts=1
    )
    summary = score_enterprises(db=ctx.db, as_of=ctx.as_of, model=load_model(report.path))
    model_info |= {"trained": True, "version": report.version, "path": str(report.path)}
    record_risk_truth(ctx, record | {"model": model_info}, summary.bands)
    ctx.log(
        f"    风险模型 / risk model {report.version}: {report.rows} 样本 examples, "
        f"{report.positives} 发生欠薪 with an alert (cut {cut}); 重新评分 / re-scored {summary.scored}, "
        + ", ".join(f"{band} {n}" for band, n in summary.bands.items())
        + f"; {time.perf_counter() - started:.1f}s"
    )
    monitoring_stage(ctx)
