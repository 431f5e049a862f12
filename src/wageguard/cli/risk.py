"""``wageguard risk import contracting|tax|registration FILE``: import an external feed as system admin;
``wageguard risk score [--as-of DATE]``: score every enterprise (with the newest learned model, if any);
``wageguard risk train``: train and write a new model file; ``wageguard risk evaluate``: the back-test."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, settings
from wageguard.cli.imports import _print_problems, _write_report
from wageguard.errors import ImportRejected, ValidationFailed
from wageguard.risk.choices import Feed
from wageguard.risk.evaluation import evaluate_model
from wageguard.risk.learning import default_cut, train_model
from wageguard.risk.model import RiskModel, latest_model, load_model
from wageguard.risk.scoring import score_enterprises
from wageguard.risk.service import import_feed_file, today_in

app = typer.Typer(help="企业风险 / enterprise risk: external feeds, scores", no_args_is_help=True)


@app.command("import")
def import_command(
    feed: Feed = typer.Argument(..., help="contracting (发包合同), tax (税务), registration (市场监管/信用)"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    file_format: str | None = typer.Option(
        None, "--format", help="json, csv or xlsx (default: told by the content, else the name)"
    ),
    encoding: str | None = typer.Option(None, "--encoding", help="CSV encoding when detection cannot tell"),
    report: Path | None = typer.Option(None, "--report", help="write the full JSON report here"),
) -> None:
    """Import FILE as FEED (docs/formats.md, "Risk feeds"): exit 0 accepted, 2 rejected (nothing stored)."""
    try:
        result = import_feed_file(
            db=database(),
            feed=feed,
            path=file,
            actor=SYSTEM,
            file_format=file_format,
            encoding=encoding,
            settings=settings(),
        )
    except ImportRejected as exc:
        typer.echo(f"{exc.report['message_zh']}\n{exc.report['message_en']}")
        _print_problems("错误 / errors:", exc.report["errors"])
        _write_report(report, exc.report)
        raise typer.Exit(2) from None
    data = result.as_dict()
    typer.echo(f"{data['message_zh']}\n{data['message_en']}")
    _print_problems("提示 / warnings:", data["warnings"])
    _write_report(report, data)


def _day(value: str | None, option: str) -> date:
    try:
        return date.fromisoformat(value) if value else today_in(settings())
    except ValueError:
        typer.echo(f"日期应为 YYYY-MM-DD / {option} must be YYYY-MM-DD: {value}")
        raise typer.Exit(2) from None


def _fail(exc: ValidationFailed) -> typer.Exit:
    typer.echo(f"{exc.message_zh}\n{exc}")
    return typer.Exit(2)


@app.command("score")
def score_command(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD data date; default: today"),
    model_file: Path | None = typer.Option(
        None, "--model", exists=True, dir_okay=False, help="this model file instead of the newest"
    ),
    no_model: bool = typer.Option(False, "--no-model", help="the scorecard alone, even where a model exists"),
) -> None:
    """Score every enterprise as of the date with the scorecard (docs/risk.md) and, where one has been
    trained, the newest learned model; re-scoring a date replaces its scores. W21 alerts follow at the
    next ``monitor run``."""
    day = _day(as_of, "--as-of")
    try:
        model: RiskModel | None = None
        if not no_model:
            model = load_model(model_file) if model_file else latest_model(settings().risk_models)
    except ValidationFailed as exc:
        raise _fail(exc) from None
    summary = score_enterprises(db=database(), as_of=day, model=model)
    bands = ", ".join(f"{band} {n}" for band, n in summary.bands.items()) or "-"
    used = summary.model_version or "无 / none (scorecard alone)"
    typer.echo(
        f"评分日期 {summary.as_of}：共评 {summary.scored} 家企业，风险升档 {summary.worsened} 家\n"
        f"scored {summary.scored} enterprises as of {summary.as_of} ({bands}); "
        f"{summary.worsened} moved to a worse band; scorecard {', '.join(summary.versions) or '-'}; "
        f"model {used}"
    )


@app.command("train")
def train_command(
    cut: str | None = typer.Option(
        None, "--cut", help="YYYY-MM-DD latest cut; default: the day after today less the horizon"
    ),
    horizon: int = typer.Option(3, "--horizon", min=1, max=12, help="outcome window in months"),
    cuts: int = typer.Option(3, "--cuts", min=1, max=24, help="monthly cuts to train on, ending at --cut"),
    seed: int = typer.Option(7, "--seed"),
) -> None:
    """Train the learned model on the platform's own outcomes (W06/W17/W18 within the horizon after each
    cut) and write a new versioned model file to ``risk_model_dir``; ``risk score`` then uses it."""
    last = _day(cut, "--cut") if cut else default_cut(today_in(settings()), horizon)
    try:
        report = train_model(
            db=database(),
            cut=last,
            out_dir=settings().risk_models,
            horizon_months=horizon,
            cuts=cuts,
            seed=seed,
        )
    except ValidationFailed as exc:
        raise _fail(exc) from None
    cut_text = ", ".join(c.isoformat() for c in report.cuts)
    typer.echo(
        f"已训练模型 {report.version}：{report.rows} 个样本，其中 {report.positives} 个在"
        f"{report.horizon_months}个月内发生欠薪预警\n"
        f"trained {report.version} on {report.rows} examples ({report.positives} with an alert within "
        f"{report.horizon_months} months) at cuts {cut_text}; fit {report.seconds['fit']:.1f} s\n"
        f"模型文件 / model file: {report.path}"
    )


@app.command("evaluate")
def evaluate_command(
    cut: str | None = typer.Option(
        None, "--cut", help="YYYY-MM-DD back-test cut; default: the day after today less the horizon"
    ),
    horizon: int = typer.Option(3, "--horizon", min=1, max=12),
    train_cuts: int = typer.Option(3, "--train-cuts", min=1, max=24),
    shuffles: int = typer.Option(5, "--shuffles", min=0, max=100, help="shuffled-outcome reruns"),
    report: Path | None = typer.Option(None, "--report", help="write the figures as JSON here"),
) -> None:
    """Back-test the learned model at the cut: features before it, outcomes after it (docs/risk.md)."""
    at = _day(cut, "--cut") if cut else default_cut(today_in(settings()), horizon)
    try:
        result = evaluate_model(
            db=database(), cut=at, horizon_months=horizon, train_cuts=train_cuts, shuffles=shuffles
        )
    except ValidationFailed as exc:
        raise _fail(exc) from None

    def f(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    typer.echo(
        f"回测 / back-test at {result.cut} ({result.mode}, horizon {result.horizon_months} months): "
        f"{result.rows} contractors, {result.positives} with an alert (base rate {f(result.base_rate)})\n"
        f"AUC model {f(result.auc_model)}, scorecard {f(result.auc_scorecard)}, "
        f"shuffled outcomes {f(result.shuffled_auc)} ({result.shuffled_runs} runs)\n"
        f"precision in top {result.top_share:.0%} ({result.top_n}): model {f(result.precision_top_model)}, "
        f"scorecard {f(result.precision_top_scorecard)}, random {f(result.precision_top_random)}; "
        f"lift over random {f(result.lift_over_random)}, over the scorecard {f(result.lift_over_scorecard)}"
    )
    if report is not None:
        report.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
