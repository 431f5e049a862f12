"""Hostile and broken bank files (issue 15): a row/field/reason report, never a traceback, nothing stored.

Each case goes through the public paths: ``import_bank_file`` (the service), ``wageguard bank import``
(exit 2) and ``POST /api/v1/money/bank/files`` (422); a rejection leaves an import record and stores nothing.
"""

# ruff: noqa: F811  (the money world fixture is imported from tests/payroll)

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.input.bank_files import (
    NOTHING,
    Stored,
    bank_batches,
    camt053_offsets,
    icbc_csv,
    icbc_row,
    nested_xml,
    stored,
)
from tests.payroll.conftest import ACCOUNT, World, payments, world  # noqa: F401
from typer.testing import CliRunner

from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app
from wageguard.db import Database
from wageguard.errors import ImportRejected, Problem
from wageguard.ingest.boundary import Limits
from wageguard.payroll.banks.writers import PaymentOut, write_camt054
from wageguard.payroll.models import AccountBalance
from wageguard.payroll.payments import import_bank_file
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector


def _import(db: Database, protector: Protector, path: Path, profile: str = "icbc") -> object:
    return import_bank_file(
        db=db,
        principal=SYSTEM,
        protector=protector,
        path=path,
        profile=profile,
        account_no=ACCOUNT,
        actor="t",
    )


def _rejected(db: Database, protector: Protector, path: Path, profile: str = "icbc") -> list[Problem]:
    """The problems of a rejected import, after checking it stored nothing and left a rejection record."""
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path, profile)
    problems = info.value.problems
    assert problems and all(p.message_zh and p.message_en for p in problems)
    assert stored(db) == NOTHING
    assert bank_batches(db)[-1][0] == "rejected"
    return problems


# --- CSV -------------------------------------------------------------------------------------------------


def test_a_csv_field_over_128_kib_is_a_row_error(db, protector, world: World, tmp_path):
    huge = "备" * (130 * 1024)
    row = icbc_row(ACCOUNT, "张三", world.cards[0])
    row[9] = huge
    problems = _rejected(db, protector, icbc_csv(tmp_path / "big.csv", ACCOUNT, [row]))
    assert problems[0].row == 2 and problems[0].code == "field.too_long"


def test_the_cli_answers_a_huge_field_with_exit_2_and_a_bilingual_report(cli: CliRunner, db, world, tmp_path):
    row = icbc_row(ACCOUNT, "张三", world.cards[0])
    row[9] = "x" * (200 * 1024)
    path = icbc_csv(tmp_path / "big.csv", ACCOUNT, [row])
    r = cli.invoke(app, ["bank", "import", str(path), "--profile", "icbc", "--account", ACCOUNT])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "行/row 2" in r.output and "字段超过" in r.output and "longer than" in r.output
    assert stored(db) == NOTHING and bank_batches(db) == [("rejected", 1)]


@pytest.mark.parametrize(
    "amount",
    ["99999999999999999999", "1e400", "1E2", "inf", "-inf", "nan", "Infinity", "1_000", "0x10", "1e-2"],
)
def test_amounts_beyond_range_or_in_exponent_form_are_row_errors(
    db, protector, world: World, tmp_path, amount
):
    rows = [icbc_row(ACCOUNT, "张三", world.cards[0], amount)]
    problems = _rejected(db, protector, icbc_csv(tmp_path / "a.csv", ACCOUNT, rows))
    assert [(p.row, p.field, p.code) for p in problems] == [(2, "amount", "amount_invalid")]


def test_the_largest_accepted_amount_is_stored_exactly(db, protector, world: World, tmp_path):
    rows = [icbc_row(ACCOUNT, "张三", world.cards[0], '"¥9,999,999,999.99"')]
    _import(db, protector, icbc_csv(tmp_path / "a.csv", ACCOUNT, rows))
    assert [p.amount_fen for p in payments(db)] == [999_999_999_999]
    rows = [icbc_row(ACCOUNT, "张三", world.cards[0], "10000000000.00")]
    problems = _rejected_after(db, protector, icbc_csv(tmp_path / "b.csv", ACCOUNT, rows))
    assert problems[0].code == "amount_invalid" and "超出" in problems[0].message_zh


def _rejected_after(db: Database, protector: Protector, path: Path) -> list[Problem]:
    before = stored(db)
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    assert stored(db) == before
    return info.value.problems


@pytest.mark.parametrize(
    ("name", "remark"),
    [("评\u0000测", "10月工资"), ("张三", "工资\u0000"), ("张\u0007三", "10月"), ("张三", "10月\u001b[31m")],
)
def test_control_characters_in_text_are_refused(db, protector, world: World, tmp_path, name, remark):
    row = icbc_row(ACCOUNT, name, world.cards[0])
    row[9] = remark
    problems = _rejected(db, protector, icbc_csv(tmp_path / "nul.csv", ACCOUNT, [row]))
    assert [(p.row, p.code) for p in problems] == [(2, "text.control")]
    assert "\u0000" not in (problems[0].value or "")


def test_text_longer_than_its_column_is_an_error_not_cut(db, protector, world: World, tmp_path):
    row = icbc_row(ACCOUNT, "张" * 65, world.cards[0])
    problems = _rejected(db, protector, icbc_csv(tmp_path / "long.csv", ACCOUNT, [row]))
    assert [(p.row, p.field, p.code) for p in problems] == [(2, "payee_name", "text.too_long")]


def test_a_truncated_csv_is_rejected_whole(db, protector, world: World, tmp_path):
    good = icbc_row(ACCOUNT, "张三", world.cards[0])
    text = "\n".join(
        ["流水号,付款账号,收款人户名,收款账号,收款银行,金额,交易日期,状态,失败原因,摘要", ",".join(good)]
    )
    text += f'\nR2,{ACCOUNT},李四,{world.cards[1]},农行,200,2026-11-10,成功,,"10月工资\nR3,{ACCOUNT},王五'
    path = tmp_path / "cut.csv"
    path.write_text(text, encoding="utf-8")
    problems = _rejected(db, protector, path)
    assert problems[0].code == "csv.quote" and problems[0].row == 3


def test_a_row_with_the_wrong_number_of_fields_is_rejected(db, protector, world: World, tmp_path):
    good = icbc_row(ACCOUNT, "张三", world.cards[0])
    path = icbc_csv(tmp_path / "n.csv", ACCOUNT, [good, [*good, "extra"]])
    problems = _rejected(db, protector, path)
    assert [(p.row, p.code) for p in problems] == [(3, "csv.width")]


def test_a_header_only_file_is_rejected_not_reported_as_zero_rows(db, protector, world: World, tmp_path):
    problems = _rejected(db, protector, icbc_csv(tmp_path / "h.csv", ACCOUNT, []))
    assert problems[0].code == "file.empty"


def test_a_duplicated_header_is_an_error(db, protector, world: World, tmp_path):
    path = tmp_path / "dup.csv"
    head = "流水号,付款账号,收款人户名,收款账号,收款银行,金额,交易日期,状态,失败原因,摘要,金额"
    path.write_text(head + "\n" + ",".join([*icbc_row(ACCOUNT, "张三", world.cards[0]), "999"]) + "\n")
    problems = _rejected(db, protector, path)
    assert problems[0].code == "header.duplicate" and problems[0].field == "金额"


@pytest.mark.parametrize("day", ["2026-02-30", "0001-01-01", "9999-12-31"])
def test_impossible_or_implausible_csv_dates_are_row_errors(db, protector, world: World, tmp_path, day):
    rows = [icbc_row(ACCOUNT, "张三", world.cards[0], day=day)]
    problems = _rejected(db, protector, icbc_csv(tmp_path / "d.csv", ACCOUNT, rows))
    assert [(p.row, p.field, p.code) for p in problems] == [(2, "value_date", "date_invalid")]


# --- XLSX ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [b"PK\x03\x04 not really a zip", b"PK\x05\x06" + b"\x00" * 18, b"\x00\x01garbage"]
)
def test_a_corrupt_xlsx_is_rejected_with_a_clear_reason(db, protector, world: World, tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    problems = _rejected(db, protector, path, profile="ccb")
    assert problems[0].code == "file.format"


def test_a_corrupt_xlsx_over_http_answers_422_with_the_report(client, make_user, login, world, db):
    make_user("abc", Role.BANK, bank_code="103")
    r = client.post(
        "/api/v1/money/bank/files",
        headers=login("abc"),
        data={"profile": "ccb", "account_no": ACCOUNT},
        files={"file": ("result.xlsx", b"PK\x03\x04broken", "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["code"] == "file.format"
    assert stored(db) == NOTHING and bank_batches(db) == [("rejected", 1)]


# --- ISO 20022 XML ---------------------------------------------------------------------------------------


def test_a_camt053_with_time_zone_offsets_is_accepted_and_dated_correctly(db, protector, world, tmp_path):
    path = camt053_offsets(tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0])
    result = _import(db, protector, path)
    assert stored(db) == Stored(1, 1, 1)
    assert [(p.value_date, p.amount_fen, p.bank_reference) for p in payments(db)] == [
        (date(2017, 4, 1), 500_000, "SAL-1")
    ]
    with db.sessions() as s:
        assert [(b.as_of, b.balance_fen) for b in s.query(AccountBalance)] == [(date(2017, 4, 1), 1_600_000)]
    assert result is not None


def test_a_booking_time_with_an_offset_is_dated_in_beijing_time(db, protector, world, tmp_path):
    path = camt053_offsets(
        tmp_path / "s.xml",
        account=ACCOUNT,
        name="张三",
        card=world.cards[0],
        value_date="",
        booked="2017-04-01T23:30:00-05:00",
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("<ValDt><Dt></Dt></ValDt>", ""), encoding="utf-8"
    )
    _import(db, protector, path)
    assert [p.value_date for p in payments(db)] == [date(2017, 4, 2)]


@pytest.mark.parametrize(
    "day", ["2026-02-30", "2026-02-30+02:00", "0001-01-01", "2017-04-01+25:00", "2017-13-01", "20170401x"]
)
def test_impossible_camt_dates_are_row_errors(db, protector, world, tmp_path, day):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], value_date=day
    )
    problems = _rejected(db, protector, path)
    assert [(p.row, p.field, p.code) for p in problems] == [("1.2", "ValDt", "date_invalid")]


@pytest.mark.parametrize("amount", ["99999999999999999999", "1e400", "1E3", "NaN", "-5000.00"])
def test_camt_amounts_beyond_range_or_in_exponent_form_are_row_errors(db, protector, world, tmp_path, amount):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], amount=amount
    )
    problems = _rejected(db, protector, path)
    assert ("1.2/1", "Amt", "amount_invalid") in [(p.row, p.field, p.code) for p in problems]


def test_a_balance_with_a_bad_amount_is_a_row_error(db, protector, world, tmp_path):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], closing="99999999999999999999"
    )
    problems = _rejected(db, protector, path)
    assert [(p.field, p.code) for p in problems] == [("Bal", "amount_invalid")]


def test_an_xml_declared_gbk_is_decoded(db, protector, world, tmp_path):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], encoding="GBK"
    )
    path.write_bytes(path.read_bytes().replace(b'encoding="GBK"', b"encoding='GBK'"))
    _import(db, protector, path)
    assert [p.payee_name for p in payments(db)] == ["张三"]


@pytest.mark.parametrize("encoding", ["GB18030", "UTF-16", "utf-8"])
def test_an_xml_in_another_declared_encoding_is_decoded(db, protector, world, tmp_path, encoding):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="王五", card=world.cards[2], encoding=encoding
    )
    _import(db, protector, path)
    assert [p.payee_name for p in payments(db)] == ["王五"]


def test_an_undeclared_gbk_xml_is_refused_not_misread(db, protector, world, tmp_path):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], encoding="GBK"
    )
    path.write_bytes(path.read_bytes().replace(b' encoding="GBK"', b""))
    assert _rejected(db, protector, path)[0].code == "xml_encoding"


def test_an_xml_in_an_unknown_encoding_is_refused_clearly(db, protector, world, tmp_path):
    path = tmp_path / "s.xml"
    path.write_bytes(b"<?xml version='1.0' encoding='x-no-such'?><Document/>")
    problems = _rejected(db, protector, path)
    assert problems[0].code == "xml_encoding" and "x-no-such" in problems[0].message_en


def test_an_xml_whose_bytes_do_not_match_its_declared_encoding_is_refused(db, protector, world, tmp_path):
    path = tmp_path / "s.xml"
    path.write_bytes(b"<?xml version='1.0' encoding='UTF-8'?><Document>\xff\xfe\xfa</Document>")
    problems = _rejected(db, protector, path)
    assert problems[0].code in ("xml_encoding", "xml_malformed")


def test_a_dtd_is_refused_even_without_entities(db, protector, world, tmp_path):
    path = tmp_path / "dtd.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE Document><Document><BkToCstmrStmt/></Document>')
    assert _rejected(db, protector, path)[0].code == "xml_forbidden"


def test_xml_nested_beyond_the_depth_limit_is_refused(db, protector, world, tmp_path):
    path = tmp_path / "deep.xml"
    path.write_bytes(nested_xml(5000))
    assert _rejected(db, protector, path)[0].code == "xml_too_deep"


def test_the_xml_depth_limit_comes_from_settings(db, protector, world, tmp_path, settings):
    path = camt053_offsets(tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0])
    shallow = Limits.of(settings.model_copy(update={"import_max_xml_depth": 10}))
    with pytest.raises(ImportRejected) as info:
        import_bank_file(
            db=db,
            principal=SYSTEM,
            protector=protector,
            path=path,
            account_no=ACCOUNT,
            actor="t",
            limits=shallow,
        )
    assert info.value.problems[0].code == "xml_too_deep" and "10" in info.value.problems[0].message_zh
    assert stored(db) == NOTHING
    _import(db, protector, path)  # the default (32) takes the real message, 11 levels deep
    assert stored(db) == Stored(1, 1, 1)


@pytest.mark.parametrize(
    ("limits", "code"),
    [(Limits(max_bytes=1024), "file.too_large"), (Limits(max_rows=2), "file.too_many_rows")],
)
def test_file_size_and_row_limits_reject_bank_files(db, protector, world, tmp_path, limits, code):
    rows = [icbc_row(ACCOUNT, "张三", world.cards[0], day=f"2026-11-{d:02d}") for d in range(1, 21)]
    path = icbc_csv(tmp_path / "many.csv", ACCOUNT, rows)
    with pytest.raises(ImportRejected) as info:
        import_bank_file(
            db=db,
            principal=SYSTEM,
            protector=protector,
            path=path,
            profile="icbc",
            account_no=ACCOUNT,
            actor="t",
            limits=limits,
        )
    assert info.value.problems[0].code == code
    assert stored(db) == NOTHING and bank_batches(db) == [("rejected", 1)]


def test_a_camt054_batch_whose_count_disagrees_with_its_details_is_rejected(db, protector, world, tmp_path):
    pays = [PaymentOut(f"E{i}", world.names[i], world.cards[i], 5000, date(2026, 11, 10)) for i in range(3)]
    path = write_camt054(tmp_path / "n.xml", ACCOUNT, pays, "M1")
    path.write_text(
        path.read_text(encoding="utf-8").replace("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>4</NbOfTxs>"),
        encoding="utf-8",
    )
    problems = _rejected(db, protector, path)
    assert [(p.row, p.field, p.code) for p in problems] == [("1.1", "NbOfTxs", "count_mismatch")]


@pytest.mark.parametrize(("declared", "accepted"), [("1", True), ("2", False), ("x", False)])
def test_a_camt054_notification_summary_count_is_checked(db, protector, world, tmp_path, declared, accepted):
    pays = [PaymentOut(f"E{i}", world.names[i], world.cards[i], 5000, date(2026, 11, 10)) for i in range(2)]
    path = write_camt054(tmp_path / "n.xml", ACCOUNT, pays, "M2")
    summary = f"<TxsSummry><TtlNtries><NbOfNtries>{declared}</NbOfNtries></TtlNtries></TxsSummry><Ntry>"
    path.write_text(path.read_text(encoding="utf-8").replace("<Ntry>", summary, 1), encoding="utf-8")
    if accepted:
        _import(db, protector, path)
        assert stored(db) == Stored(2, 0, 0)
    else:
        problems = _rejected(db, protector, path)
        assert [(p.row, p.field, p.code) for p in problems] == [("1", "NbOfNtries", "count_mismatch")]


def test_a_statement_whose_entry_count_disagrees_is_rejected(db, protector, world, tmp_path):
    path = camt053_offsets(tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], entries="3")
    problems = _rejected(db, protector, path)
    assert [(p.field, p.code) for p in problems] == [("NbOfNtries", "count_mismatch")]


def test_a_batch_count_mismatch_in_a_statement_is_rejected(db, protector, world, tmp_path):
    path = camt053_offsets(
        tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], batch_count="2"
    )
    problems = _rejected(db, protector, path)
    assert [(p.row, p.field, p.code) for p in problems] == [("1.2", "NbOfTxs", "count_mismatch")]


# --- the CLI summary -------------------------------------------------------------------------------------


def test_the_cli_summary_counts_inflows_and_balances_it_stored(cli: CliRunner, db, world, tmp_path):
    path = camt053_offsets(tmp_path / "s.xml", account=ACCOUNT, name="张三", card=world.cards[0], entries="1")
    text = path.read_text(encoding="utf-8")
    debit = text.index("<Ntry>", text.index("</Ntry>"))
    path.write_text(text[:debit] + text[text.index("</Stmt>") :], encoding="utf-8")
    r = cli.invoke(app, ["bank", "import", str(path), "--account", ACCOUNT])
    assert r.exit_code == 0, r.output
    assert stored(db) == Stored(0, 1, 1)
    assert "入账 inflows 1 新增 new, 0 重复 duplicates" in r.output
    assert "余额 balances 1 条 recorded" in r.output
    again = cli.invoke(app, ["bank", "import", str(path), "--account", ACCOUNT])
    assert again.exit_code == 0, again.output
    assert "入账 inflows 0 新增 new, 1 重复 duplicates" in again.output and stored(db) == Stored(0, 1, 1)


# --- the push API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "99999999999999999999"),
        ("amount", "1e400"),
        ("payee_name", "评\u0000测"),
        ("remark", "x" * 201),
    ],
)
def test_a_hostile_push_answers_422_and_stores_nothing(client, make_user, login, world, db, field, value):
    make_user("abc", Role.BANK, bank_code="103")
    item = {
        "reference": "P1",
        "payee_name": "张三",
        "payee_card": world.cards[0],
        "amount": "100",
        "value_date": "2026-11-10",
        "status": "成功",
        "remark": "2026年10月工资",
    }
    item[field] = value
    r = client.post(
        "/api/v1/money/bank/push", headers=login("abc"), json={"account_no": ACCOUNT, "payments": [item]}
    )
    assert r.status_code == 422, r.text
    problem = r.json()["problems"][0]
    assert (problem["row"], problem["field"]) == (1, field)
    assert stored(db) == NOTHING
    # a control character is refused at the HTTP edge (web/text_input.py), before the push is read: no batch
    assert bank_batches(db) == ([] if problem["code"] == "text.control" else [("rejected", 1)])
