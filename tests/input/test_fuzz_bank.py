"""Property tests of the bank readers (issue 15): whatever a camt/pain XML or a bank CSV/XLSX holds, the
import either stores it or answers ``ImportRejected`` with a bilingual report — never another exception —
and a rejection stores nothing and leaves a ``rejected`` import record.

Bounded (50 examples each, derandomised so a failure reproduces); seeded with the hostile cases of the issue.
"""

# ruff: noqa: F811  (the money world fixture is imported from tests/payroll)

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.input.bank_files import ICBC_HEAD, bank_batches, camt053_offsets, stored
from tests.payroll.conftest import ACCOUNT, World, world  # noqa: F401

from wageguard.auth.models import User
from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.payroll.banks.writers import PaymentOut, write_pain001
from wageguard.payroll.payments import import_bank_file
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

AMOUNTS = st.one_of(
    st.sampled_from(["99999999999999999999", "1e400", "1E2", "inf", "nan", "-1", "0", "1_000", "5000.00"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=30),
)
DATES = st.one_of(
    st.sampled_from(["2017-04-01+02:00", "2026-02-30", "0001-01-01", "2017-04-01T23:30:00-05:00", ""]),
    st.dates().map(date.isoformat),
    st.text(max_size=30),
)
COUNTS = st.one_of(
    st.sampled_from(["1", "2", "0", "01", "²"]), st.integers(-3, 10**12).map(str), st.text(max_size=8)
)
TEXT = st.text(max_size=80)  # any code point: NUL and other controls, quotes, surrogates excluded by utf-8


def _attempt(db: Database, protector: Protector, path: Path) -> None:
    """Import ``path``: accepted, or rejected with a report, nothing stored and a rejection record."""
    before, records = stored(db), len(bank_batches(db))
    try:
        import_bank_file(
            db=db,
            principal=SYSTEM,
            protector=protector,
            path=path,
            profile="icbc",
            account_no=ACCOUNT,
            actor="t",
        )
    except ImportRejected as exc:
        assert exc.problems and all(p.message_zh and p.message_en and p.code for p in exc.problems)
        assert stored(db) == before
        assert len(bank_batches(db)) == records + 1 and bank_batches(db)[-1][0] == "rejected"
    else:
        assert bank_batches(db)[-1][0] == "accepted"


def _xml_text(value: str) -> str:
    """``value`` as XML character data (markup escaped; characters XML forbids stay, to be refused)."""
    return escape(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@BOUNDED
@given(
    name=TEXT, amount=AMOUNTS, value_date=DATES, booked=DATES, count=COUNTS, entries=COUNTS, closing=AMOUNTS
)
def test_camt053_fields_never_raise_anything_but_a_rejection(
    db, protector, world: World, tmp_path_factory, name, amount, value_date, booked, count, entries, closing
):
    path = camt053_offsets(
        tmp_path_factory.mktemp("camt") / "s.xml",
        account=ACCOUNT,
        name=_xml_text(name),
        card=world.cards[0],
        amount=_xml_text(amount),
        value_date=_xml_text(value_date),
        booked=_xml_text(booked),
        batch_count=_xml_text(count),
        entries=_xml_text(entries),
        closing=_xml_text(closing),
    )
    _attempt(db, protector, path)


@BOUNDED
@given(data=st.data())
def test_mangled_camt_bytes_never_raise_anything_but_a_rejection(
    db, protector, world: World, tmp_path_factory, data
):
    folder = tmp_path_factory.mktemp("bytes")
    good = camt053_offsets(
        folder / "good.xml", account=ACCOUNT, name="张三", card=world.cards[0]
    ).read_bytes()
    at = data.draw(st.integers(0, len(good)), label="at")
    how = data.draw(st.sampled_from(["truncate", "insert", "replace", "declare"]), label="how")
    junk = data.draw(
        st.one_of(
            st.binary(max_size=16),
            st.sampled_from([b"\x00", b"<!DOCTYPE d>", b'<!ENTITY x "y">', b"&x;", b"<X>" * 40, b"\xff\xfe"]),
        ),
        label="junk",
    )
    if how == "truncate":
        mangled = good[:at]
    elif how == "insert":
        mangled = good[:at] + junk + good[at:]
    elif how == "replace":
        mangled = good[:at] + junk + good[at + len(junk) :]
    else:
        name = data.draw(
            st.sampled_from(["GBK", "gb18030", "Big5", "UTF-16", "x-no-such", "rot13", "utf-32"])
        )
        mangled = good.replace(b'encoding="UTF-8"', f'encoding="{name}"'.encode())
    path = folder / "m.xml"
    path.write_bytes(mangled)
    _attempt(db, protector, path)


@BOUNDED
@given(name=TEXT, amount=AMOUNTS, execution=DATES, declared=COUNTS)
def test_pain001_fields_never_raise_anything_but_a_rejection(
    db, protector, world: World, tmp_path_factory, name, amount, execution, declared
):
    path = write_pain001(
        tmp_path_factory.mktemp("pain") / "p.xml",
        ACCOUNT,
        [PaymentOut("P1", "NAME", world.cards[0], 500, date(2026, 11, 10))],
        "B1",
        date(2026, 11, 10),
    )
    text = path.read_text(encoding="utf-8")
    text = text.replace("<Nm>NAME</Nm>", f"<Nm>{_xml_text(name)}</Nm>")
    text = text.replace(">5.00</InstdAmt>", f">{_xml_text(amount)}</InstdAmt>")
    text = text.replace("<Dt>2026-11-10</Dt>", f"<Dt>{_xml_text(execution)}</Dt>")
    text = text.replace("<NbOfTxs>1</NbOfTxs>", f"<NbOfTxs>{_xml_text(declared)}</NbOfTxs>")
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _attempt(db, protector, path)


CELLS = st.lists(st.one_of(TEXT, AMOUNTS, DATES), min_size=8, max_size=12)


@BOUNDED
@given(rows=st.lists(CELLS, max_size=3), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]))
def test_csv_cells_never_raise_anything_but_a_rejection(
    db, protector, world: World, tmp_path_factory, rows, encoding
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ICBC_HEAD.split(","))
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "r.csv"
    path.write_bytes(out.getvalue().encode(encoding, "replace"))
    _attempt(db, protector, path)


@BOUNDED
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=200).map(lambda b: (ICBC_HEAD + "\n").encode("gbk") + b),
        st.binary(max_size=200).map(lambda b: b'R1,,"' + b),
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_raw_csv_and_xlsx_bytes_never_raise_anything_but_a_rejection(
    db, protector, world: World, tmp_path_factory, body, suffix
):
    path = tmp_path_factory.mktemp("raw") / f"f{suffix}"
    path.write_bytes(body if suffix != ".xlsx" else b"PK\x03\x04" + body)
    _attempt(db, protector, path)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.binary(max_size=300), name=st.sampled_from(["r.csv", "r.xlsx", "r.xml", "r"]))
def test_uploaded_bank_bytes_never_answer_5xx(client, make_user, login, world: World, db, body, name):
    with db.sessions() as s:
        if s.scalar(select(User.id).where(User.username == "abc")) is None:
            make_user("abc", Role.BANK, bank_code="103")
    before = stored(db)
    r = client.post(
        "/api/v1/money/bank/files",
        headers=login("abc"),
        data={"profile": "icbc", "account_no": ACCOUNT},
        files={"file": (name, body, "application/octet-stream")},
    )
    assert r.status_code in (201, 422), r.text
    if r.status_code == 422:
        assert r.json()["problems"] and stored(db) == before
