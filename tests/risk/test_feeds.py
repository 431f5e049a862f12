"""The three risk feeds: the docs' examples import (JSON, CSV, XLSX), a resent file changes nothing, a newer
one replaces, and every class of bad row answers its documented code with nothing stored."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from tests.risk.conftest import (
    DOC,
    GC,
    LABOUR,
    OTHER_PROJECT,
    OWNER,
    PROJECT,
    TODAY,
    UNREGISTERED,
    doc_examples,
    write_csv,
)

from wageguard.audit.models import AuditEntry
from wageguard.ingest.models import ImportBatch
from wageguard.risk.choices import FEED_OBJECT, Feed
from wageguard.risk.queries import contract_of_project, registration_of_enterprise, tax_years_of_enterprise
from wageguard.risk.schemas import SPECS

EXAMPLES = doc_examples()
TOMORROW = str(TODAY + timedelta(days=1))


def _example(tmp_path: Path, feed: Feed, lang: str) -> Path:
    path = tmp_path / f"{feed.value}.{lang}"
    path.write_text(EXAMPLES[feed.value][lang], encoding="utf-8")
    return path


AMOUNTS = {
    "taxArrears",
    "revenueQ1",
    "revenueQ2",
    "revenueQ3",
    "revenueQ4",
    "regCapital",
    "paidInCapital",
    "amount",
}


def _typed(column: str, cell: str) -> Any:
    """A cell as Excel would hold it: dates as dates, years and amounts as numbers, codes as text."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        return date.fromisoformat(cell)
    if column == "taxYear":
        return int(cell)
    if column in AMOUNTS and cell:
        return float(cell.replace(",", ""))
    return cell or None


def _xlsx_of(csv_text: str, path: Path) -> Path:
    """The CSV example as a workbook with typed cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header, *rows = csv.reader(io.StringIO(csv_text))
    sheet.append(header)
    for cells in rows:
        sheet.append([_typed(column, cell) for column, cell in zip(header, cells, strict=True)])
    book.save(path)
    return path


def test_every_feed_is_documented_with_a_json_and_a_csv_example() -> None:
    assert sorted(EXAMPLES) == sorted(f.value for f in Feed)
    for feed, examples in EXAMPLES.items():
        assert set(examples) == {"json", "csv"}, feed


def _section(feed: Feed) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n### {feed.value}\n")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else len(text)]


@pytest.mark.parametrize("feed", list(Feed))
def test_every_field_of_a_feed_is_documented_in_its_section(feed: Feed) -> None:
    section = _section(feed)
    for spec in SPECS[feed].fields:
        assert f"| `{spec.name}`" in section or f", `{spec.name}`" in section, f"{feed}.{spec.name}"


def test_every_error_code_the_feeds_answer_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("\n## Risk feeds") : text.index("\n### contracting")]
    codes = {c[3] for c in BAD_ROWS} | {"duplicate", "contract.mismatch", "stale", "date.order"}
    for code in codes:
        assert f"`{code}`" in table, code


@pytest.mark.parametrize("feed", list(Feed))
def test_the_json_example_imports_and_the_csv_and_xlsx_examples_then_change_nothing(
    feed: Feed, registered, feed_import, stored, tmp_path: Path
) -> None:
    report = feed_import(feed, _example(tmp_path, feed, "json"))
    assert report.inserted == report.rows > 0
    after = stored()
    again = feed_import(feed, _example(tmp_path, feed, "csv"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, again.rows)
    workbook = feed_import(feed, _xlsx_of(EXAMPLES[feed.value]["csv"], tmp_path / "example.xlsx"))
    assert (workbook.file_format, workbook.unchanged) == ("xlsx", workbook.rows)
    resent = feed_import(feed, _example(tmp_path, feed, "json"))
    assert (resent.inserted, resent.updated, resent.unchanged) == (0, 0, resent.rows)
    assert stored() == after


def test_the_contracting_example_is_stored_as_the_project_s_contract(registered, feed_import, db, tmp_path):
    feed_import(Feed.CONTRACTING, _example(tmp_path, Feed.CONTRACTING, "csv"))
    with db.sessions() as s:
        contract = contract_of_project(s, registered[PROJECT])
    assert contract is not None
    assert contract["owner_id"] == registered[OWNER]
    assert contract["contract_fen"] == 36_000_000_00
    assert [(p["stage"], p["due_fen"], p["paid_fen"]) for p in contract["payments"]] == [
        ("1", 7_200_000_00, 7_200_000_00),
        ("2", 10_800_000_00, 5_000_000_00),
        ("3", 10_800_000_00, None),
    ]


def test_an_xlsx_tax_file_imports_and_a_newer_file_replaces_the_year(registered, feed_import, db, tmp_path):
    report = feed_import(Feed.TAX, _xlsx_of(EXAMPLES["tax"]["csv"], tmp_path / "tax.xlsx"))
    assert (report.file_format, report.inserted) == ("xlsx", 2)
    newer = write_csv(
        tmp_path / "newer.csv",
        [
            {
                "corpCode": LABOUR,
                "taxYear": "2025",
                "creditRating": "D",
                "taxArrears": "300000",
                "asOfDate": "2026-10-31",
            }
        ],
    )
    replaced = feed_import(Feed.TAX, newer)
    assert (replaced.updated, replaced.details["subjects"]["updated"]) == (1, 1)
    with db.sessions() as s:
        years = tax_years_of_enterprise(s, registered[LABOUR])
        assert [(y["tax_year"], y["rating"], y["arrears_fen"], y["revenue_fen"]) for y in years] == [
            (2025, "D", 300_000_00, [None, None, None, None])
        ]
        assert tax_years_of_enterprise(s, registered[GC])[0]["rating"] == "B"


def test_an_older_file_does_not_replace_a_newer_snapshot(registered, feed_import, db, tmp_path):
    feed_import(Feed.TAX, _example(tmp_path, Feed.TAX, "json"))
    older = write_csv(
        tmp_path / "older.csv",
        [{"corpCode": GC, "taxYear": "2025", "creditRating": "A", "asOfDate": "2026-01-31"}],
    )
    report = feed_import(Feed.TAX, older)
    assert (report.updated, report.unchanged) == (0, 1)
    assert [w.code for w in report.warnings] == ["stale"]
    with db.sessions() as s:
        assert tax_years_of_enterprise(s, registered[GC])[0]["rating"] == "B"


def test_a_registration_file_replaces_the_enterprise_s_whole_record(registered, feed_import, db, tmp_path):
    xlsx = _xlsx_of(EXAMPLES["registration"]["csv"], tmp_path / "registration.xlsx")
    assert feed_import(Feed.REGISTRATION, xlsx).inserted == 6
    with db.sessions() as s:
        record = registration_of_enterprise(s, registered[LABOUR])
    assert record is not None
    assert (record["reg_capital_fen"], record["paid_in_capital_fen"]) == (2_000_000_00, 300_000_00)
    kinds = sorted(e["kind"] for e in record["events"])
    assert kinds == ["abnormal", "dishonest", "legal_rep", "penalty", "social_insurance"]
    newer = write_csv(
        tmp_path / "newer.csv",
        [
            {
                "corpCode": LABOUR,
                "recordType": "登记信息",
                "establishDate": "2019-03-08",
                "regCapital": "2000000",
            },
            {"corpCode": LABOUR, "recordType": "社保欠缴", "date": "2026-11-30", "amount": "12000"},
        ],
    )
    assert feed_import(Feed.REGISTRATION, newer).updated == 2
    with db.sessions() as s:
        record = registration_of_enterprise(s, registered[LABOUR])
    assert record is not None and record["paid_in_capital_fen"] is None
    assert [(e["kind"], e["amount_fen"]) for e in record["events"]] == [("social_insurance", 12_000_00)]


def test_every_import_leaves_a_batch_record_and_an_audit_entry(
    registered, feed_import, feed_reject, db, tmp_path
):
    feed_import(Feed.TAX, _example(tmp_path, Feed.TAX, "csv"))
    bad = write_csv(
        tmp_path / "bad.csv", [{"corpCode": UNREGISTERED, "taxYear": "2025", "creditRating": "A"}]
    )
    feed_reject(Feed.TAX, bad)
    with db.sessions() as s:
        batches = s.execute(
            select(ImportBatch.id, ImportBatch.object_name, ImportBatch.status).order_by(ImportBatch.id)
        ).all()
        audited = s.execute(
            select(AuditEntry.subject_id).where(
                AuditEntry.action == "import", AuditEntry.subject_type == "import_batch"
            )
        ).scalars()
        assert sorted(audited) == sorted(str(b.id) for b in batches)
    assert [(b.object_name, b.status) for b in batches] == [
        (FEED_OBJECT[Feed.TAX], "accepted"),
        (FEED_OBJECT[Feed.TAX], "rejected"),
    ]


# -- bad rows: each answers its documented code, the whole file stores nothing -----------------------------

GOOD: dict[Feed, dict[str, Any]] = {
    Feed.CONTRACTING: {
        "projectCode": PROJECT,
        "ownerCorpCode": OWNER,
        "contractAmount": "1000000",
        "contractDate": "2026-01-15",
        "stage": "1",
        "dueDate": "2026-06-30",
        "dueAmount": "200000",
        "paidDate": "2026-07-02",
        "paidAmount": "200000",
    },
    Feed.TAX: {"corpCode": GC, "taxYear": "2025", "creditRating": "A", "taxArrears": "0", "revenueQ1": "100"},
    Feed.REGISTRATION: {
        "corpCode": GC,
        "recordType": "profile",
        "establishDate": "2008-05-12",
        "regCapital": "50000000",
        "paidInCapital": "50000000",
    },
}
PENALTY = {
    "corpCode": GC,
    "recordType": "penalty",
    "date": "2026-03-09",
    "authority": "人社局",
    "amount": "500",
}
SECOND_STAGE = {**GOOD[Feed.CONTRACTING], "stage": "2", "paidDate": "", "paidAmount": ""}
OTHER_CONTRACT = {**GOOD[Feed.CONTRACTING], "projectCode": OTHER_PROJECT}

BAD_ROWS = [
    # unknown credit code
    (Feed.CONTRACTING, {"ownerCorpCode": UNREGISTERED}, "ownerCorpCode", "ref.enterprise_missing"),
    (Feed.TAX, {"corpCode": UNREGISTERED}, "corpCode", "ref.enterprise_missing"),
    (Feed.REGISTRATION, {"corpCode": UNREGISTERED}, "corpCode", "ref.enterprise_missing"),
    (Feed.CONTRACTING, {"projectCode": "NO-SUCH-PROJECT"}, "projectCode", "ref.project_missing"),
    (Feed.TAX, {"corpCode": "915201020000001019"}, "corpCode", "uscc.checksum"),
    # rating outside A/B/M/C/D
    (Feed.TAX, {"creditRating": "E"}, "creditRating", "code.unknown"),
    (Feed.TAX, {"creditRating": "AA"}, "creditRating", "code.unknown"),
    # negative capital / amount
    (Feed.REGISTRATION, {"regCapital": "-1"}, "regCapital", "amount.negative"),
    (Feed.REGISTRATION, {"paidInCapital": "-0.01"}, "paidInCapital", "amount.negative"),
    (Feed.CONTRACTING, {"contractAmount": "-1000000"}, "contractAmount", "amount.negative"),
    (Feed.CONTRACTING, {"paidAmount": "-5"}, "paidAmount", "amount.negative"),
    (Feed.TAX, {"taxArrears": "-100"}, "taxArrears", "amount.negative"),
    (Feed.TAX, {"revenueQ1": "-100"}, "revenueQ1", "amount.negative"),
    # a date in the future
    (Feed.CONTRACTING, {"paidDate": TOMORROW}, "paidDate", "date.future"),
    (Feed.CONTRACTING, {"contractDate": TOMORROW}, "contractDate", "date.future"),
    (Feed.TAX, {"taxYear": str(TODAY.year + 1)}, "taxYear", "date.future"),
    (Feed.TAX, {"asOfDate": TOMORROW}, "asOfDate", "date.future"),
    (Feed.REGISTRATION, {"establishDate": TOMORROW}, "establishDate", "date.future"),
    # what a payment or a record type needs
    (Feed.CONTRACTING, {"paidDate": ""}, "paidDate", "required"),
    (Feed.CONTRACTING, {"stage": ""}, "stage", "required"),
    (Feed.REGISTRATION, {"regCapital": ""}, "regCapital", "required"),
    (Feed.REGISTRATION, {"recordType": "rumour"}, "recordType", "code.unknown"),
]


def _ids(case: tuple[Feed, dict[str, Any], str, str]) -> str:
    return f"{case[0].value}-{case[2]}-{case[3]}"


@pytest.mark.parametrize(("feed", "change", "field", "code"), BAD_ROWS, ids=[_ids(c) for c in BAD_ROWS])
def test_a_bad_row_rejects_the_file_with_its_code_and_stores_nothing(
    feed: Feed, change, field, code, registered, feed_reject, stored, tmp_path
) -> None:
    good = {**GOOD[feed], "corpCode": LABOUR} if feed is not Feed.CONTRACTING else OTHER_CONTRACT
    rows = (
        [good, {**GOOD[feed], **change}]
        if feed is not Feed.REGISTRATION
        else [{**GOOD[feed], **change}, PENALTY]
    )
    report = feed_reject(feed, write_csv(tmp_path / "bad.csv", rows))
    bad_row = 3 if feed is not Feed.REGISTRATION else 2
    assert [(e["row"], e["field"], e["code"]) for e in report["errors"]] == [(bad_row, field, code)]
    assert all(e["message_zh"] and e["message_en"] for e in report["errors"])
    assert set(stored().values()) == {0}


def test_a_registration_penalty_in_the_future_is_refused(registered, feed_reject, stored, tmp_path):
    rows = [GOOD[Feed.REGISTRATION], {**PENALTY, "date": TOMORROW}]
    report = feed_reject(Feed.REGISTRATION, write_csv(tmp_path / "bad.csv", rows))
    assert [(e["row"], e["field"], e["code"]) for e in report["errors"]] == [(3, "date", "date.future")]
    assert set(stored().values()) == {0}


DUPLICATES = [
    (Feed.CONTRACTING, [GOOD[Feed.CONTRACTING], SECOND_STAGE, GOOD[Feed.CONTRACTING]], "stage"),
    (Feed.TAX, [GOOD[Feed.TAX], {**GOOD[Feed.TAX], "creditRating": "B"}], "taxYear"),
    (Feed.REGISTRATION, [GOOD[Feed.REGISTRATION], PENALTY, PENALTY], "recordType"),
    (Feed.REGISTRATION, [GOOD[Feed.REGISTRATION], PENALTY, GOOD[Feed.REGISTRATION]], "recordType"),
]


@pytest.mark.parametrize(
    ("feed", "rows", "field"), DUPLICATES, ids=[f"{d[0].value}-{i}" for i, d in enumerate(DUPLICATES)]
)
def test_a_duplicate_row_rejects_the_file(feed: Feed, rows, field, registered, feed_reject, stored, tmp_path):
    report = feed_reject(feed, write_csv(tmp_path / "dup.csv", rows))
    assert [(e["row"], e["field"], e["code"]) for e in report["errors"]] == [
        (len(rows) + 1, field, "duplicate")
    ]
    assert set(stored().values()) == {0}


def test_a_project_s_rows_must_agree_on_its_contract(registered, feed_reject, stored, tmp_path):
    rows = [GOOD[Feed.CONTRACTING], {**SECOND_STAGE, "contractAmount": "2000000"}]
    report = feed_reject(Feed.CONTRACTING, write_csv(tmp_path / "bad.csv", rows))
    assert [(e["row"], e["field"], e["code"]) for e in report["errors"]] == [
        (3, "contractAmount", "contract.mismatch")
    ]
    assert set(stored().values()) == {0}


def test_the_report_lists_every_bad_row_of_a_json_file(registered, feed_reject, stored, tmp_path):
    path = tmp_path / "bad.json"
    payments = [
        {"stage": "1", "dueDate": "2026-01-01", "dueAmount": "1"},
        {"stage": "1b", "dueDate": "2026-01-01", "dueAmount": "-1"},
        {"stage": "2", "dueDate": "2026-02-01", "dueAmount": "5", "paidDate": TOMORROW, "paidAmount": "5"},
    ]
    contract = {"projectCode": PROJECT, "ownerCorpCode": UNREGISTERED, "contractAmount": "100"}
    path.write_text(json.dumps([{**contract, "paymentList": payments}]), encoding="utf-8")
    report = feed_reject(Feed.CONTRACTING, path)
    assert [(e["row"], e["field"], e["code"]) for e in report["errors"]] == [
        ("[0].paymentList[1]", "dueAmount", "amount.negative"),
        ("[0].paymentList[2]", "paidDate", "date.future"),
        ("[0].paymentList[0]", "ownerCorpCode", "ref.enterprise_missing"),
    ]
    assert set(stored().values()) == {0}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.json", "[]", "file.empty"),
        ("header.csv", "corpCode,taxYear,creditRating\n", "file.empty"),
        ("shape.json", '[{"corpCode": "x"}, 3]', "json.shape"),
        ("broken.json", '[{"corpCode": ', "json.invalid"),
    ],
)
def test_a_file_that_cannot_be_read_is_rejected_whole(
    name, content, code, registered, feed_reject, db, tmp_path
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    report = feed_reject(Feed.TAX, path)
    assert [e["code"] for e in report["errors"]] == [code]
    with db.sessions() as s:
        assert s.scalar(select(ImportBatch.status)) == "rejected"


def test_an_unknown_column_is_ignored_with_a_warning(registered, feed_import, tmp_path):
    rows = [{**GOOD[Feed.TAX], "taxOffice": "碧江区税务局"}]
    report = feed_import(Feed.TAX, write_csv(tmp_path / "extra.csv", rows))
    assert report.inserted == 1
    assert [(w.row, w.field, w.code) for w in report.warnings] == [(1, "taxOffice", "column.unknown")]
