"""ISO 20022 files: camt.054 batches, camt.053 statements, pain.001 batches, and the ways they are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.payroll.conftest import ACCOUNT, OTHER_ACCOUNT, World, payment_count, payments

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.payroll.banks.writers import CreditOut, PaymentOut, write_camt053, write_camt054, write_pain001
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.models import AccountBalance, LabourCostInflow
from wageguard.payroll.payments import import_bank_file
from wageguard.security.crypto import Protector

DAY = date(2026, 11, 10)


def _import(db: Database, protector: Protector, path: Path, account: str | None = ACCOUNT):
    return import_bank_file(
        db=db, principal=SYSTEM, protector=protector, path=path, account_no=account, actor="t"
    )


def _pay(
    world: World, i: int, ref: str, fen: int, status=PaymentStatus.SUCCESS, reason=None, day=DAY
) -> PaymentOut:
    return PaymentOut(ref, world.names[i], world.cards[i], fen, day, status, reason, "工资 2026年10月")


def test_camt054_batch_entry_with_transaction_details(db, protector, world: World, tmp_path):
    path = write_camt054(
        tmp_path / "n.xml",
        ACCOUNT,
        [
            _pay(world, 0, "E1", 500000),
            _pay(world, 1, "E2", 480050),
            _pay(world, 2, "E3", 470000, PaymentStatus.RETURNED, "账户已冻结"),
        ],
        "MSG1",
    )
    result = _import(db, protector, path)
    assert result.file_format == "camt054" and result.inserted == 3
    stored = sorted(payments(db), key=lambda p: p.bank_reference or "")
    assert [(p.bank_reference, p.amount_fen, p.status, p.outcome) for p in stored] == [
        ("E1", 500000, "success", "matched"),
        ("E2", 480050, "success", "matched"),
        ("E3", 470000, "returned", "returned"),
    ]
    assert stored[2].failure_reason == "账户已冻结"


def test_camt053_statement_books_credits_balance_and_warns_on_lump_batches(
    db, protector, world: World, tmp_path
):
    credit = CreditOut("IN-1", "铜仁市城投公司", 20_000_000, date(2026, 11, 2), "进度款第3期")
    first = write_camt053(
        tmp_path / "s1.xml",
        ACCOUNT,
        [_pay(world, 0, "E1", 500000)],
        [credit],
        "ST1",
        (date(2026, 11, 10), 19_500_000),
    )
    result = _import(db, protector, first)
    assert (result.inserted, result.credits_inserted, result.balances) == (1, 1, 1)
    overlapping = write_camt053(
        tmp_path / "s2.xml",
        ACCOUNT,
        [_pay(world, 0, "E1", 500000), _pay(world, 1, "E2", 480000)],
        [credit],
        "ST2",
        (date(2026, 11, 11), 19_020_000),
    )
    again = _import(db, protector, overlapping)
    assert (again.inserted, again.duplicates, again.credits_inserted) == (1, 1, 0)
    with db.sessions() as s:
        inflows = list(s.scalars(select(LabourCostInflow)))
        balances = list(s.scalars(select(AccountBalance).order_by(AccountBalance.as_of)))
    assert [(i.amount_fen, i.payer_name, i.progress_ref) for i in inflows] == [
        (20_000_000, "铜仁市城投公司", "进度款第3期")
    ]
    assert [b.balance_fen for b in balances] == [19_500_000, 19_020_000]
    lump = tmp_path / "lump.xml"
    lump.write_text(
        '<?xml version="1.0"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>L</MsgId></GrpHdr><Stmt><Acct><Id><Othr><Id>{ACCOUNT}</Id></Othr></Id></Acct>"
        '<Ntry><Amt Ccy="CNY">9800.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        "<ValDt><Dt>2026-11-12</Dt></ValDt><NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch></NtryDtls></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    warned = _import(db, protector, lump)
    assert warned.inserted == 0 and warned.warnings[0]["code"] == "batch_without_detail"


def test_malformed_xml_is_rejected_with_its_position(db, protector, world: World, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(
        "<?xml version='1.0'?>\n<Document><BkToCstmrStmt><Stmt></BkToCstmrStmt>", encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    assert info.value.problems[0].code == "xml_malformed"
    assert "第 2 行" in info.value.problems[0].message_zh


def test_xml_entities_are_refused(db, protector, world: World, tmp_path):
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>',
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    assert info.value.problems[0].code == "xml_forbidden"


def test_camt_of_a_different_account_is_rejected_and_nothing_stored(db, protector, world: World, tmp_path):
    path = write_camt054(tmp_path / "n.xml", OTHER_ACCOUNT, [_pay(world, 0, "E1", 500000)], "MSG9")
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    problem = info.value.problems[0]
    assert problem.code == "account_mismatch"
    assert OTHER_ACCOUNT[-4:] in problem.message_zh and OTHER_ACCOUNT not in problem.message_zh
    assert payment_count(db) == 0


def test_pain001_batch_then_camt054_result_updates_status_without_duplicates(
    db, protector, world: World, tmp_path
):
    batch = [_pay(world, 0, "PAY-1", 500000), _pay(world, 1, "PAY-2", 480000)]
    pain = write_pain001(tmp_path / "p.xml", ACCOUNT, batch, "B1", DAY)
    result = _import(db, protector, pain)
    assert result.file_format == "pain001" and result.inserted == 2
    assert {p.status for p in payments(db)} == {"instructed"}
    camt = write_camt054(
        tmp_path / "r.xml",
        ACCOUNT,
        [_pay(world, 0, "PAY-1", 500000), _pay(world, 1, "PAY-2", 480000, PaymentStatus.FAILED, "户名不符")],
        "R1",
    )
    updated = _import(db, protector, camt)
    assert (updated.inserted, updated.updated) == (0, 2)
    assert [(p.status, p.outcome) for p in payments(db)] == [("success", "matched"), ("failed", "failed")]
    assert payments(db)[1].failure_reason == "户名不符"
    again = _import(db, protector, pain)
    assert (again.inserted, again.updated, again.duplicates) == (0, 0, 2)
    assert [p.status for p in payments(db)] == ["success", "failed"]


def test_pain001_whose_control_sum_disagrees_is_rejected(db, protector, world: World, tmp_path):
    pain = write_pain001(tmp_path / "p.xml", ACCOUNT, [_pay(world, 0, "PAY-1", 500000)], "B1", DAY)
    pain.write_text(
        pain.read_text(encoding="utf-8").replace("<CtrlSum>5000.00", "<CtrlSum>5000.01"), encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, pain)
    assert info.value.problems[0].code == "sum_mismatch"
    assert payment_count(db) == 0
