"""One test per matching outcome, and the order the pay month is taken from."""

from __future__ import annotations

from datetime import date

from tests.factories import card_number
from tests.payroll.conftest import ACCOUNT, World, payments, payroll, submit

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.payroll.banks.writers import PaymentOut, write_icbc_csv
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.payments import import_bank_file
from wageguard.security.crypto import Protector

DAY = date(2026, 11, 10)


def _run(db: Database, protector: Protector, tmp_path, rows: list[PaymentOut]):
    path = write_icbc_csv(tmp_path / f"f{len(list(tmp_path.iterdir()))}.csv", ACCOUNT, rows)
    import_bank_file(
        db=db, principal=SYSTEM, protector=protector, path=path, profile="icbc", account_no=ACCOUNT, actor="t"
    )
    return payments(db)


def test_own_card_and_own_name_is_matched(db, protector, world: World, tmp_path):
    [p] = _run(db, protector, tmp_path, [PaymentOut("A", "张三", world.cards[0], 100, DAY)])
    assert (p.outcome, p.worker_id) == ("matched", world.worker_ids[0])


def test_registered_card_under_another_name_is_other_card(db, protector, world: World, tmp_path):
    [p] = _run(db, protector, tmp_path, [PaymentOut("A", "李四", world.cards[0], 100, DAY)])
    assert (p.outcome, p.worker_id) == ("other_card", world.worker_ids[1])


def test_team_leaders_card_on_members_pay_sheet_lines_is_other_card(db, protector, world: World, tmp_path):
    leader = world.cards[0]
    submit(db, protector, payroll(world, "2026-10", ["5000", "4800", "4700"], cards=[leader, leader, leader]))
    rows = [PaymentOut(f"L{i}", "张三", leader, fen, DAY) for i, fen in enumerate([500000, 480000, 470000])]
    stored = _run(db, protector, tmp_path, rows)
    assert [(p.outcome, p.worker_id, p.pay_month, p.month_source) for p in stored] == [
        ("other_card", world.worker_ids[0], "2026-10", "pay_sheet"),
        ("other_card", world.worker_ids[1], "2026-10", "pay_sheet"),
        ("other_card", world.worker_ids[2], "2026-10", "pay_sheet"),
    ]
    assert all(p.pay_sheet_line_id is not None for p in stored)


def test_a_card_shared_across_two_imports_flags_both_payments(db, protector, world: World, tmp_path):
    leader = world.cards[0]
    submit(db, protector, payroll(world, "2026-10", ["5000", "4800"], cards=[leader, leader]))
    first = _run(db, protector, tmp_path, [PaymentOut("A", "张三", leader, 500000, DAY)])
    assert [(p.outcome, p.worker_id, p.pay_month) for p in first] == [
        ("matched", world.worker_ids[0], "2026-10")
    ]
    both = _run(db, protector, tmp_path, [PaymentOut("B", "张三", leader, 480000, DAY)])
    assert [(p.outcome, p.pay_month) for p in both] == [("other_card", "2026-10")] * 2


def test_unknown_card_and_unknown_name_is_unknown_payee(db, protector, world: World, tmp_path):
    [p] = _run(db, protector, tmp_path, [PaymentOut("A", "赵六", card_number(), 100, DAY)])
    assert (p.outcome, p.worker_id) == ("unknown_payee", None)


def test_unregistered_card_with_a_project_workers_name_is_other_card(db, protector, world: World, tmp_path):
    [p] = _run(db, protector, tmp_path, [PaymentOut("A", "王五", card_number(), 100, DAY)])
    assert (p.outcome, p.worker_id) == ("other_card", world.worker_ids[2])


def test_failed_transfer_keeps_the_worker_and_is_failed(db, protector, world: World, tmp_path):
    row = PaymentOut("A", "张三", world.cards[0], 100, DAY, PaymentStatus.FAILED, "卡状态异常")
    [p] = _run(db, protector, tmp_path, [row])
    assert (p.outcome, p.worker_id, p.status) == ("failed", world.worker_ids[0], "failed")


def test_returned_transfer_is_returned(db, protector, world: World, tmp_path):
    row = PaymentOut("A", "张三", world.cards[0], 100, DAY, PaymentStatus.RETURNED, "账户已销户")
    [p] = _run(db, protector, tmp_path, [row])
    assert (p.outcome, p.worker_id) == ("returned", world.worker_ids[0])


def test_one_card_receiving_two_workers_wages_in_a_month_turns_both_other_card(
    db, protector, world: World, tmp_path
):
    rows = [
        PaymentOut("A", "张三", world.cards[0], 100, DAY, remark="2026-10"),
        PaymentOut("B", "李四", world.cards[0], 100, DAY, remark="2026-10"),
        PaymentOut("C", "王五", world.cards[2], 100, DAY, remark="2026-10"),
    ]
    stored = _run(db, protector, tmp_path, rows)
    assert [(p.outcome, p.worker_id) for p in stored] == [
        ("other_card", world.worker_ids[0]),
        ("other_card", world.worker_ids[1]),
        ("matched", world.worker_ids[2]),
    ]


def test_month_comes_from_pay_sheet_then_remark_then_value_date(db, protector, world: World, tmp_path):
    submit(db, protector, payroll(world, "2026-09", ["5000", "4800", "4700"]))
    rows = [
        PaymentOut("A", "张三", world.cards[0], 500000, date(2026, 11, 20)),
        PaymentOut("B", "李四", card_number(), 100, DAY, remark="李四 8月工资"),
        PaymentOut("C", "赵六", card_number(), 100, DAY, remark="劳务费"),
    ]
    stored = _run(db, protector, tmp_path, rows)
    assert [(p.pay_month, p.month_source) for p in stored] == [
        ("2026-09", "pay_sheet"),
        ("2026-08", "remark"),
        ("2026-11", "value_date"),
    ]
