"""National findings back into the provinces: the cross-province jobs write one file per province into the
lake, each province imports its own into its alerts (``wageguard national import``), scoped by region like
every other alert; re-importing changes nothing, the next file clears what is gone, a tampered file is
rejected whole."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pyspark.sql import SparkSession
from sqlalchemy import func, select
from tests.lake.fixture import PROVINCES, Planted, plant_cross_province_faults, plant_three_provinces
from tests.monitoring.seed import AS_OF
from typer.testing import CliRunner

from wageguard.auth.scope import Principal
from wageguard.cli.main import app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.models import ImportBatch
from wageguard.lake import layout as L
from wageguard.lake.cross import run_cross_province
from wageguard.lake.export import export_month
from wageguard.lake.inbound import import_national_findings
from wageguard.lake.outbound import findings_bytes, write_national_findings
from wageguard.lake.rules import EVIDENCE_TEXT, NATIONAL_RULES
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.models import Alert, AlertEvent, AlertWorker
from wageguard.monitoring.queries import AlertFilter, list_alerts
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.pages import alerts_text

SEPT, MONTH = parse_month("2026-09"), "2026-09"
DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def _lake(db: Database, settings: Settings, spark: SparkSession, lake: Path) -> pl.DataFrame:
    """Export the month, run the cross-province checks and write each province's file; the findings."""
    export_month(db=db, settings=settings, month=SEPT, as_of=AS_OF, out=lake)
    cross = run_cross_province(spark=spark, lake=lake, month=MONTH)
    write_national_findings(lake=lake, month=MONTH, cross=cross)
    return cross


def _import(db: Database, lake: Path, province: str) -> dict[str, Any]:
    path = L.national_alerts_path(lake, province, MONTH)
    return import_national_findings(db=db, path=path, province=province, as_of=AS_OF).as_dict()


def _national(db: Database) -> list[dict[str, Any]]:
    with db.sessions() as s:
        rows = s.scalars(select(Alert).where(Alert.rule_code.like("N%")).order_by(Alert.id)).all()
        return [
            {c: getattr(a, c) for c in ("id", "rule_code", "level", "project_id", "region_code", "workers")}
            | {"holds": a.still_holds, "hash": a.evidence_hash, "updated": a.updated_at, "ev": a.evidence}
            for a in rows
        ]


def _state(db: Database) -> tuple[list[dict[str, Any]], int, list[tuple[Any, ...]]]:
    with db.sessions() as s:
        events = s.scalar(select(func.count()).select_from(AlertEvent)) or 0
        lines = s.execute(
            select(AlertWorker.alert_id, AlertWorker.worker_id, AlertWorker.rule_code).order_by(
                AlertWorker.id
            )
        ).all()
    return _national(db), events, [tuple(r) for r in lines]


def _planted(db: Database, protector: Protector, *, cross: bool = True) -> Planted:
    with db.transaction() as s:
        planted = plant_three_provinces(s, protector)
        if cross:
            plant_cross_province_faults(s, protector, planted)
    return planted


def test_each_province_imports_its_findings_as_alerts_scoped_by_region(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    planted = _planted(db, protector)
    lake = tmp_path / "lake"
    _lake(db, settings, spark, lake)
    for province in PROVINCES:
        assert _import(db, lake, province)["status"] == "accepted"
    with db.sessions() as s:
        lines = {
            (a.rule_code, a.region_code[:2] + "0000", a.level, a.project_id, w.worker_id)
            for a, w in s.execute(
                select(Alert, AlertWorker).join(AlertWorker, AlertWorker.alert_id == Alert.id)
            )
        }
    c, clean = planted.cross, planted.clean
    assert lines == {
        ("N01", "520000", "red", clean["520000"], c["N01-52"]),
        ("N01", "430000", "red", clean["430000"], c["N01-43"]),
        ("N02", "520000", "orange", clean["520000"], c["N02"]),
        ("N02", "510000", "orange", clean["510000"], c["N02"]),
        ("N03", "510000", "orange", clean["510000"], c["N03"]),
    }
    alerts = _national(db)
    assert [a["workers"] for a in alerts] == [1] * 5 and all(a["holds"] for a in alerts)
    n03 = next(a for a in alerts if a["rule_code"] == "N03")
    assert n03["region_code"] == "510104" and n03["ev"]["amount_fen"] == 600_000

    # Inspectors see them by region, as every other alert: Guizhou's two, Sichuan's two and N03.
    for province, codes in (("520000", ["N01", "N02"]), ("510000", ["N02", "N03"]), ("430000", ["N01"])):
        inspector = Principal(user_id=None, username="insp", role=Role.INSPECTOR, region_code=province)
        with db.sessions() as s:
            _n, seen = list_alerts(session=s, principal=inspector, f=AlertFilter(limit=500))
        assert sorted(a.rule_code for a in seen if a.rule_code.startswith("N")) == codes

    # Every evidence key N01–N03 write (alert and worker lines) has a Chinese and an English label.
    with db.sessions() as s:
        written = [a["ev"] for a in alerts] + list(s.scalars(select(AlertWorker.evidence)))
    labels = alerts_text.EVIDENCE_TEXT | EVIDENCE_TEXT
    keys = {k for ev in written for k in ev}
    assert keys >= {"provinces", "card_total_fen", "clash_dates", "attended_provinces", "head_count"}
    assert sorted(k for k in keys if k not in labels) == []
    assert not [k for k in keys if re.search(r"[a-z]_[a-z]", labels[k][1]) or labels[k][0] == k]

    # Re-importing the same files changes nothing: no alert, line or event written.
    before = _state(db)
    for province in PROVINCES:
        again = _import(db, lake, province)
        assert (again["inserted"], again["updated"], again["details"]["cleared"]) == (0, 0, 0)
    assert _state(db) == before

    # The next file for Guizhou no longer holds N02: Guizhou's N02 clears, Sichuan's stays.
    lines = L.national_alerts_path(lake, "520000", MONTH).read_text().splitlines()[1:]
    rows = [r for r in map(json.loads, lines) if r["rule_code"] != "N02"]
    L.national_alerts_path(lake, "520000", MONTH).write_bytes(findings_bytes("520000", MONTH, rows))
    assert _import(db, lake, "520000")["details"]["cleared"] == 1
    holds = {(a["rule_code"], a["region_code"][:2]): a["holds"] for a in _national(db)}
    assert holds == {("N01", "52"): True, ("N01", "43"): True, ("N02", "52"): False, ("N02", "51"): True} | {
        ("N03", "51"): True
    }


def test_clean_data_gives_empty_files_and_no_alert(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector)  # W faults, each inside its province: no national finding
    lake = tmp_path / "lake"
    assert _lake(db, settings, spark, lake).height == 0
    for province in PROVINCES:
        head = json.loads(L.national_alerts_path(lake, province, MONTH).read_text().splitlines()[0])
        assert (head["province"], head["rows"]) == (province, 0)
        assert _import(db, lake, province)["inserted"] == 0
    assert _national(db) == []


def _rejected(db: Database, path: Path, province: str = "520000") -> list[tuple[Any, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        import_national_findings(db=db, path=path, province=province, as_of=AS_OF)
    assert "nothing stored" in str(caught.value) and "未保存任何数据" in caught.value.report["message_zh"]
    assert all(p.message_zh and p.message_en for p in caught.value.problems)
    return [(p.row, p.field, p.code) for p in caught.value.problems]


def test_a_tampered_file_is_rejected_whole_with_line_field_and_reason(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    planted = _planted(db, protector)
    lake = tmp_path / "lake"
    _lake(db, settings, spark, lake)
    good = L.national_alerts_path(lake, "520000", MONTH)
    rows = [json.loads(line) for line in good.read_text().splitlines()[1:]]
    assert len(rows) == 2  # N01 and N02 of Guizhou
    bad = tmp_path / "bad.jsonl"

    # A row about another province's project (the header recomputed, so only the row is wrong).
    moved = [rows[0] | {"project_id": planted.clean["510000"]}, rows[1]]
    bad.write_bytes(findings_bytes("520000", MONTH, moved))
    assert _rejected(db, bad) == [(2, "project_id", "other_province")]

    # A bad field, and an unknown person.
    broken = [rows[0] | {"amount_fen": "lots"}, rows[1] | {"person_bidx": "0" * 32}]
    bad.write_bytes(findings_bytes("520000", MONTH, broken))
    assert _rejected(db, bad) == [(2, "amount_fen", "invalid"), (3, "person_bidx", "no_person")]

    # Truncated: the last row cut off (row count and checksum), or cut in the middle of a line.
    data = good.read_bytes()
    bad.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 1) + 1])
    assert _rejected(db, bad) == [(1, "rows", "truncated")]
    bad.write_bytes(data[:-20])
    assert _rejected(db, bad) == [("end", "", "truncated")]

    # An edited row under the old header; another province's file.
    bad.write_bytes(data.replace(b'"N01"', b'"N03"'))
    assert _rejected(db, bad) == [(1, "sha256", "checksum")]
    assert _rejected(db, L.national_alerts_path(lake, "430000", MONTH)) == [(1, "province", "other_province")]

    assert _national(db) == []  # nothing of any of them stored
    with db.sessions() as s:
        statuses = s.scalars(select(ImportBatch.status).where(ImportBatch.object_name == "national_findings"))
        assert list(statuses) == ["rejected"] * 6
    assert _import(db, lake, "520000")["inserted"] == 2  # the untouched file goes in


def test_the_cli_writes_the_files_and_imports_one(
    db: Database, protector: Protector, cli: CliRunner, spark: SparkSession, tmp_path: Path
) -> None:
    _planted(db, protector)
    lake = tmp_path / "lake"
    args = ["facts", "export", "--month", MONTH, "--out", str(lake), "--as-of", AS_OF.isoformat()]
    assert cli.invoke(app, args).exit_code == 0
    run = cli.invoke(app, ["national", "run", "--lake", str(lake), "--month", MONTH, "--master", "local[2]"])
    assert run.exit_code == 0, run.output
    assert "national findings files for 3 provinces" in run.output and "  510000: 2\n" in run.output
    path = str(L.national_alerts_path(lake, "510000", MONTH))
    base = ["national", "import", "--file", path, "--as-of", AS_OF.isoformat(), "--province"]
    done = cli.invoke(app, [*base, "510000"])
    assert done.exit_code == 0, done.output
    assert (
        "national_findings：已接收 2 行（新增 2" in done.output
        and "2 rows accepted (2 inserted" in done.output
    )
    refused = cli.invoke(app, [*base, "520000"])
    assert refused.exit_code == 2
    assert "第 1 行 / line 1 province: 文件属于其他省份，本库为 520000" in refused.output


def test_national_rules_are_documented_with_level_and_basis() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in NATIONAL_RULES.values():
        heading = f"## {rule.code} — {rule.title_zh} / {rule.title_en}\n\n"
        assert heading in text, rule.code
        first = text.split(heading, 1)[1].split("\n", 1)[0]
        assert first == f"Level **{rule.level.value}**; basis: {rule.basis} / {rule.basis_en}.", rule.code
        assert re.search(r"第[一二三四五六七八九十百]+条", rule.basis) and "Art" in rule.basis_en
        assert "Basis:" in rule.doc
