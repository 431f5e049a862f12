"""``wageguard national import``: a province takes the national findings about its projects into its alerts.

The file is one province's ``national-alerts/province=<P>/month=<M>/findings.jsonl`` (``outbound``). It is
accepted whole or rejected whole (nothing stored, an ``import_batches`` record of the rejection, every
problem with its line, field and reason in Chinese and English): the header must name this province, the
row count and SHA-256 must match the rows (a truncated or edited file fails), and every row must be well
formed, about an N01–N03 code of the header's month, on a project that exists in this database and lies in
this province, and about a person this province knows (the blind index of their ID number,
``workers.id_bidx``: the lake never carries a worker in clear).

Accepted rows become worker findings of the N code (level from ``rules.NATIONAL_RULES``), folded into one
alert per (code, project, month) with a line per worker by the engine's own ``upsert.group_workers`` and
``keyed``, and applied one alert at a time with ``upsert.find_alert`` / ``upsert_one`` (raised, updated,
holds again, reopened; unchanged: nothing written). The N alerts of the month in this province that the
file no longer holds are cleared (``cleared_by_data``), so re-importing a file changes nothing and the next
month's or a newer run's file replaces the last. Alerts carry the project's region code, so inspectors see
them exactly as every other alert of the region.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from wageguard.db import Database, utcnow
from wageguard.errors import Problem, ValidationFailed
from wageguard.ingest.records import record_import, reject_import
from wageguard.ingest.report import ImportReport
from wageguard.lake import outbound as O
from wageguard.lake.rules import NATIONAL_CODES, NATIONAL_RULES
from wageguard.monitoring.choices import EventAction
from wageguard.monitoring.models import Alert, AlertEvent, AlertWorker
from wageguard.monitoring.notifications import queue_digests
from wageguard.monitoring.rules.base import FINDING_SCHEMA
from wageguard.monitoring.tallying import refresh_alert_tallies
from wageguard.monitoring.upsert import KEY, find_alert, group_workers, keyed, upsert_one
from wageguard.registry.models import Project, Worker

OBJECT = "national_findings"
ACTOR = "national"
_BIDX = re.compile(r"[0-9a-f]{32}")
_PROVINCE = re.compile(r"[1-9][0-9]0000")
_MONTH = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class _Row:
    line: int
    data: dict[str, Any]


def _problem(line: int | str, field: str, code: str, zh: str, en: str, value: Any = None) -> Problem:
    shown = None if value is None else str(value)[:80]
    return Problem(field=field, code=code, message_zh=zh, message_en=en, row=line, value=shown)


def _check_header(head: Any, province: str, body: bytes, rows: int) -> list[Problem]:
    if not isinstance(head, dict) or head.get("format") != O.FORMAT:
        return [_problem(1, "format", "not_findings", "不是全国比对结果文件", "not a national findings file")]
    out = []
    if head.get("schema_version") != O.FORMAT_VERSION:
        out.append(
            _problem(
                1,
                "schema_version",
                "version",
                f"格式版本不符（应为 {O.FORMAT_VERSION}）",
                f"schema version must be {O.FORMAT_VERSION}",
                head.get("schema_version"),
            )
        )
    if head.get("province") != province:
        out.append(
            _problem(
                1,
                "province",
                "other_province",
                f"文件属于其他省份，本库为 {province}",
                f"the file is for another province; this database is {province}",
                head.get("province"),
            )
        )
    month = head.get("month")
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        out.append(_problem(1, "month", "month", "月份格式应为 YYYY-MM", "month must be YYYY-MM", month))
    if head.get("rows") != rows:
        out.append(
            _problem(
                1,
                "rows",
                "truncated",
                f"文件不完整：表头记 {head.get('rows')} 行，实有 {rows} 行",
                f"the file is incomplete: the header says {head.get('rows')} rows, it holds {rows}",
                head.get("rows"),
            )
        )
    elif head.get("sha256") != hashlib.sha256(body).hexdigest():
        out.append(
            _problem(
                1,
                "sha256",
                "checksum",
                "文件内容与表头校验值不符（被截断或改动）",
                "the rows do not match the header's SHA-256 (truncated or edited)",
            )
        )
    return out


def _int(v: Any, *, nullable: bool) -> bool:
    if v is None:
        return nullable
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_row(line: int, data: Any, month: Any, province: str) -> list[Problem]:
    """The row's own shape: fields present, types, code, month, keys."""
    if not isinstance(data, dict):
        return [_problem(line, "", "not_object", "该行不是 JSON 对象", "the line is not a JSON object")]
    missing, extra = set(O.ROW_FIELDS) - set(data), set(data) - set(O.ROW_FIELDS)
    out = [_problem(line, f, "missing", "缺少字段", "field missing") for f in sorted(missing)] + [
        _problem(line, f, "unknown_field", "未知字段", "unknown field") for f in sorted(extra)
    ]
    if missing:
        return out
    checks = [
        (
            "rule_code",
            data["rule_code"] in NATIONAL_CODES,
            "应为 N01、N02 或 N03",
            "must be N01, N02 or N03",
        ),
        ("period", data["period"] == month, f"月份应为表头的 {month}", f"must be the header's month {month}"),
        (
            "project_id",
            _int(data["project_id"], nullable=False),
            "应为项目编号（整数）",
            "must be a project id",
        ),
        (
            "person_bidx",
            isinstance(data["person_bidx"], str) and bool(_BIDX.fullmatch(data["person_bidx"])),
            "应为 32 位身份证号盲索引",
            "must be a 32-character blind index of an ID number",
        ),
        (
            "region_code",
            isinstance(data["region_code"], str) and data["region_code"][:2] == province[:2],
            f"应为本省（{province}）的行政区划代码",
            f"must be a region code of this province ({province})",
        ),
        (
            "amount_fen",
            _int(data["amount_fen"], nullable=True),
            "应为非负整数（分）",
            "must be whole fen, ≥ 0",
        ),
        ("days", _int(data["days"], nullable=True), "应为非负整数", "must be a whole number, ≥ 0"),
        (
            "other_provinces",
            isinstance(data["other_provinces"], list)
            and all(isinstance(p, str) and _PROVINCE.fullmatch(p) for p in data["other_provinces"])
            and province not in data["other_provinces"],
            "应为其他省份代码列表",
            "must list other provinces' codes",
        ),
        ("evidence", isinstance(data["evidence"], dict), "应为 JSON 对象", "must be a JSON object"),
    ]
    out += [_problem(line, f, "invalid", zh, en, data[f]) for f, ok, zh, en in checks if not ok]
    return out


def _parse(raw: bytes, province: str) -> tuple[dict[str, Any], list[_Row], list[Problem]]:
    """Header, rows and the problems of their shape (no database)."""
    if not raw.endswith(b"\n"):
        return {}, [], [_problem("end", "", "truncated", "文件不完整（末行被截断）", "the file is truncated")]
    lines = raw.split(b"\n")[:-1]
    try:
        head = json.loads(lines[0]) if lines else None
    except ValueError:
        head = None
    body = raw[len(lines[0]) + 1 :] if lines else b""
    problems = _check_header(head, province, body, len(lines) - 1)
    if any(p.code in ("not_findings", "other_province") for p in problems):
        return {}, [], problems  # not this province's file: its rows are not looked at
    assert isinstance(head, dict)
    rows = []
    for n, text in enumerate(lines[1:], start=2):
        try:
            data = json.loads(text)
        except ValueError:
            problems.append(_problem(n, "", "json", "该行不是合法的 JSON", "the line is not valid JSON"))
            continue
        found = _check_row(n, data, head.get("month"), province)
        problems += found
        if not found:
            rows.append(_Row(n, data))
    return head, rows, problems


def _resolve(
    session: Session, rows: list[_Row], province: str
) -> tuple[dict[int, str], dict[str, int], list[Problem]]:
    """The rows' projects (id → region code, in this province) and persons (blind index → worker id)."""
    project_ids = sorted({r.data["project_id"] for r in rows})
    persons = sorted({r.data["person_bidx"] for r in rows})
    regions: dict[int, str] = {}
    workers: dict[str, int] = {}
    for i in range(0, len(project_ids), 500):
        part = project_ids[i : i + 500]
        regions |= dict(
            session.execute(select(Project.id, Project.region_code).where(Project.id.in_(part))).all()
        )
    for i in range(0, len(persons), 500):
        part = persons[i : i + 500]
        workers |= dict(
            session.execute(select(Worker.id_bidx, Worker.id).where(Worker.id_bidx.in_(part))).all()
        )
    problems = []
    for r in rows:
        pid, region = r.data["project_id"], regions.get(r.data["project_id"])
        if region is None:
            problems.append(
                _problem(
                    r.line, "project_id", "no_project", "本省数据库中没有该项目", "no such project here", pid
                )
            )
        elif region[:2] != province[:2]:
            problems.append(
                _problem(
                    r.line,
                    "project_id",
                    "other_province",
                    f"项目不在本省（{province}）辖区内",
                    f"the project lies outside this province ({province})",
                    pid,
                )
            )
        elif region != r.data["region_code"]:
            problems.append(
                _problem(
                    r.line,
                    "region_code",
                    "region_mismatch",
                    f"与项目所在区划 {region} 不符",
                    f"differs from the project's region {region}",
                    r.data["region_code"],
                )
            )
        if r.data["person_bidx"] not in workers:
            problems.append(
                _problem(
                    r.line,
                    "person_bidx",
                    "no_person",
                    "本省没有该身份证号盲索引对应的人员",
                    "no worker here has this ID-number blind index",
                    r.data["person_bidx"],
                )
            )
    return regions, workers, problems


def findings_of(rows: list[dict[str, Any]], regions: dict[int, str], workers: dict[str, int]) -> pl.DataFrame:
    """The rows as worker findings of their N code (``FINDING_SCHEMA``): the province's worker and the
    project's region; a worker's several rows of one code and project (two cards) are summed, the first
    row's evidence kept."""
    records = [
        {
            "rule_code": r["rule_code"],
            "level": NATIONAL_RULES[r["rule_code"]].level.value,
            "subject_type": "worker",
            "subject_id": workers[r["person_bidx"]],
            "project_id": r["project_id"],
            "worker_id": workers[r["person_bidx"]],
            "region_code": regions[r["project_id"]],
            "period": r["period"],
            "amount_fen": r["amount_fen"],
            "workers": 1,
            "referral": False,
            "evidence": json.dumps(r["evidence"], ensure_ascii=False),  # the file's key order: stable
        }
        for r in rows
    ]
    frame = pl.DataFrame(records, schema=FINDING_SCHEMA, orient="row")
    per = ["rule_code", "project_id", "worker_id"]
    summed = pl.when(pl.col("amount_fen").is_not_null().any()).then(pl.col("amount_fen").sum())
    cols = [c for c in FINDING_SCHEMA if c not in (*per, "amount_fen")]
    folded = frame.group_by(per, maintain_order=True).agg(
        summed.alias("amount_fen"), *(pl.col(c).first() for c in cols)
    )
    return folded.select(list(FINDING_SCHEMA)).sort(per)


@dataclass
class Applied:
    raised: int = 0
    updated: int = 0
    unchanged: int = 0
    cleared: int = 0


def _apply(
    session: Session, findings: pl.DataFrame, province: str, month: str, as_of: date
) -> tuple[Applied, list[int], set[int]]:
    """Upsert the findings' alerts one by one and clear this province's N alerts of ``month`` the file no
    longer holds; returns the counts, the alert ids to notify and the projects touched."""
    grouped, lines = group_workers(findings)
    alerts = keyed(grouped)
    counts, notify, touched = Applied(), [], set()
    now = utcnow()
    for row in alerts.iter_rows(named=True):
        current = find_alert(session, row["rule_code"], row["subject_key"], row["period"])
        alert_id, action = upsert_one(session=session, current=current, row=row, as_of=as_of, actor=ACTOR)
        if action is None:
            counts.unchanged += 1
            continue
        touched.add(row["project_id"])
        if action is EventAction.RAISED:
            counts.raised += 1
        else:
            counts.updated += 1
        if action in (EventAction.RAISED, EventAction.REOPENED):
            notify.append(alert_id)
        session.execute(delete(AlertWorker).where(AlertWorker.alert_id == alert_id))
        mine = lines.filter(
            (pl.col("rule_code") == row["rule_code"]) & (pl.col("subject_key") == row["subject_key"])
        )
        records = [
            {**r, "alert_id": alert_id, "evidence": json.loads(r["evidence"])}
            for r in mine.drop("subject_key").iter_rows(named=True)
        ]
        if records:
            session.execute(insert(AlertWorker), records)
    holding = session.execute(
        select(Alert.id, Alert.rule_code, Alert.subject_key, Alert.period, Alert.project_id).where(
            Alert.rule_code.in_(NATIONAL_CODES),
            Alert.period == month,
            Alert.region_code.startswith(province[:2]),
            Alert.still_holds.is_(True),
        )
    ).all()
    found = set(alerts.select(KEY).iter_rows())
    gone = [(int(i), p) for i, c, k, m, p in holding if (c, k, m) not in found]
    if gone:
        ids = [i for i, _ in gone]
        session.execute(
            update(Alert),
            [{"id": i, "still_holds": False, "cleared_on": as_of, "updated_at": now} for i in ids],
        )
        session.execute(
            insert(AlertEvent),
            [
                {
                    "alert_id": i,
                    "at": now,
                    "as_of": as_of,
                    "actor": ACTOR,
                    "action": EventAction.CLEARED_BY_DATA.value,
                }
                for i in ids
            ],
        )
        touched |= {p for _, p in gone if p is not None}
        counts.cleared = len(gone)
    return counts, notify, touched


def import_national_findings(
    *, db: Database, path: Path, province: str, as_of: date, actor: str = ACTOR
) -> ImportReport:
    """Import one province's national findings file (``outbound``) into its alerts, whole or not at all
    (``ImportRejected`` with every problem). Re-importing the same file changes no alert."""
    if not _PROVINCE.fullmatch(province):
        raise ValidationFailed(
            f"province must be a province's 6-digit code such as 520000, not {province!r}",
            message_zh=f"省份代码应为 6 位省级代码（如 520000），不是 {province!r}",
        )
    raw = path.read_bytes()
    report = ImportReport(OBJECT, path.name, "jsonl", hashlib.sha256(raw).hexdigest())
    head, rows, problems = _parse(raw, province)
    report.rows = max(raw.count(b"\n") - 1, 0)  # the lines after the header
    regions: dict[int, str] = {}
    workers: dict[str, int] = {}
    if rows:
        with db.sessions() as session:
            regions, workers, found = _resolve(session, rows, province)
        problems += found
    if problems:
        report.errors = sorted(problems, key=lambda p: (str(p.row).zfill(9), p.field))
        reject_import(db, actor, report)
    month = str(head["month"])
    findings = findings_of([r.data for r in rows], regions, workers)
    with db.transaction() as session:
        applied, notify, touched = _apply(session, findings, province, month, as_of)
        refresh_alert_tallies(session, touched)
        queue_digests(session=session, alert_ids=notify, run_id=None)
        report.inserted, report.updated, report.unchanged = applied.raised, applied.updated, applied.unchanged
        report.details = {
            "province": province,
            "month": month,
            "cleared": applied.cleared,
            "per_rule": dict(findings.group_by("rule_code").len().sort("rule_code").iter_rows()),
        }
        record_import(session, actor, report)
    return report
