"""Property tests of the file readers (issue 15, part 5): whatever the bytes, a reader answers rows or a
``BadInput``, an import answers a report or ``ImportRejected`` — never a traceback — a rejection stores
nothing, and memory stays bounded. Seeded with the hostile cases of the boundary tests; examples are bounded
so the suite runs in seconds."""

# ruff: noqa: F811  (fixtures are imported from tests/ingest, tests/attendance and tests/payroll)

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from tests.attendance.conftest import OPTIONS, Site, site  # noqa: F401
from tests.ingest.conftest import Org, do_import, org  # noqa: F401
from tests.ingest.factories import worker_row
from tests.input.hostile import (
    corrupt_xlsx,
    csv_text,
    deep_json,
    garbage_xlsx,
    huge_cell_xlsx,
    lying_xlsx,
    table_counts,
    xlsx_bytes,
    zip_bomb_xlsx,
)
from tests.payroll.conftest import World, world  # noqa: F401

from wageguard.attendance.importer import import_attendance_file
from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.boundary import (
    BadInput,
    Limits,
    Source,
    detect_encoding,
    open_table,
    read_json_document,
)
from wageguard.payroll.paysheets import import_payroll_file
from wageguard.security.crypto import Protector

FAST = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUICK = settings(FAST, max_examples=25)
SMALL = Limits(max_field_chars=4096, max_rows=200, max_json_depth=16, max_xlsx_unzipped_bytes=8 << 20)

# Cells as hostile as text gets: quotes, separators, line breaks, NUL and other controls, CJK, surrogates
# excluded (they cannot be encoded), long runs.
CELL = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(',"\r\n\t\x00\x07\x1b\x7f\x85\u3000\ufeff陳大文东门工人')),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "cp1252"])


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _read_all(data: bytes, name: str) -> int:
    """Rows read from ``data`` through the boundary (``BadInput`` propagates, nothing else may)."""
    table = open_table(Source(io.BytesIO(data), name), SMALL)
    return sum(1 for _ in table.rows)


# -- readers alone -------------------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=2048))
@example(data=b'a,b\r\n1,"unclosed')
@example(data=b"a,a\r\n1,2\r\n")
@example(data=b"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00")
@example(data=b"a,b\r\n" + b"x" * 5000 + b",1\r\n")
@example(data=b"name\r\n" + "陳大文".encode("big5") + b"\r\n")
@example(data=b"a,b\r\n1,\x00\r\n")
def test_csv_bytes_give_rows_or_bad_input(data: bytes) -> None:
    try:
        _read_all(data, "f.csv")
    except BadInput as exc:
        problem = exc.problem()
        assert problem.message_zh and problem.message_en and problem.code


@FAST
@given(cells=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6), encoding=ENCODINGS)
def test_csv_of_hostile_cells_reads_back_exactly_or_is_refused(cells: list[list[str]], encoding: str) -> None:
    """What the CSV module writes is either read back cell for cell, or refused as a whole."""
    width = max(len(r) for r in cells)
    header = [f"c{i}" for i in range(width)]
    rows = [r + [""] * (width - len(r)) for r in cells]
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    data = _encoded(out.getvalue(), encoding)
    try:
        table = open_table(Source(io.BytesIO(data), "f.csv"), SMALL)
        got = [[row.get(h, "") for h in header] for _, row in table.rows]
    except BadInput:
        return
    expected = [r for r in rows if any(c.strip() for c in r)]
    decoded = data.decode(table.encoding or "utf-8")
    if decoded.replace("\r\n", "\n") == out.getvalue().replace("\r\n", "\n").lstrip("\ufeff"):
        assert got == expected


@QUICK
@given(data=st.binary(max_size=4096))
@example(data=corrupt_xlsx())
@example(data=garbage_xlsx())
@example(data=b"PK\x05\x06" + b"\x00" * 18)
def test_xlsx_bytes_give_rows_or_bad_input(data: bytes) -> None:
    try:
        _read_all(data, "f.xlsx")
    except BadInput as exc:
        assert exc.problem().message_en


@QUICK
@given(
    rows=st.lists(
        st.lists(st.one_of(CELL, st.integers(), st.floats(allow_nan=False)), max_size=3), max_size=4
    )
)
def test_real_workbooks_with_hostile_cells_give_rows_or_bad_input(rows: list[list[Any]]) -> None:
    try:
        data = xlsx_bytes([["a", "b", "c"], *rows])
    except IllegalCharacterError:  # openpyxl refuses control characters itself
        return
    try:
        _read_all(data, "f.xlsx")
    except BadInput as exc:
        assert exc.problem().message_en


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | CELL,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CELL, inner, max_size=4),
    max_leaves=30,
)


@FAST
@given(text=st.one_of(st.text(max_size=300), JSON_VALUES.map(json.dumps)))
@example(text=deep_json(5000))
@example(text='[{"a": 1e400}]')
@example(text='[{"a": NaN}]')
@example(text='{"a": "\\u0000"}')
@example(text="[" * 17 + "]" * 17)
def test_json_text_gives_a_document_or_bad_input(text: str) -> None:
    try:
        read_json_document(Source(io.BytesIO(text.encode("utf-8", "surrogatepass")), "f.json"), SMALL)
    except BadInput as exc:
        assert exc.problem().message_zh


# -- imports: never a traceback, nothing stored on rejection -------------------------------------------


def _outcome(db: Database, run: Any) -> str:
    """``accepted`` or ``rejected``; a rejection must leave every table as it was."""
    before = table_counts(db)
    try:
        run()
    except ImportRejected as exc:
        assert exc.report["status"] == "rejected" and exc.problems
        assert all(p.message_zh and p.message_en for p in exc.problems)
        assert table_counts(db) == before
        return "rejected"
    return "accepted"


def _worker_csv(org: Org, cells: list[str], cut: int | None) -> str:
    rows = [worker_row("P1", org.corp, "T1", n) for n in range(1, 4)]
    header = list(rows[0])
    values = [[str(v) for v in r.values()] for r in rows]
    for i, cell in enumerate(cells):
        values[i % 3][(i * 7) % len(header)] = cell
    text = csv_text(header, values)
    return text[:cut] if cut is not None else text


@FAST
@given(
    cells=st.lists(CELL, max_size=6),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
    encoding=ENCODINGS,
)
@example(cells=["评\x00测"], cut=None, encoding="utf-8")
@example(cells=["99999999999999999999"], cut=None, encoding="utf-8")
@example(cells=["陳大文"], cut=None, encoding="big5")
@example(cells=[], cut=400, encoding="utf-8")
def test_registry_imports_never_crash_and_reject_cleanly(
    org, do_import, db, tmp_path: Path, cells: list[str], cut: int | None, encoding: str
) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(_encoded(_worker_csv(org, cells, cut), encoding))
    _outcome(db, lambda: do_import("ProjectWorker", path))


@QUICK
@given(document=JSON_VALUES)
@example(document=json.loads(deep_json(15)))
@example(document=[{"projectCode": "P1", "workerList": [{"workerName": "评\x00测"}]}])
def test_registry_json_imports_never_crash(org, do_import, db, tmp_path: Path, document: Any) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _outcome(db, lambda: do_import("ProjectWorker", path))


ATTENDANCE_HEADER = ["projectCode", "teamSysNo", "idCardType", "idCardNumber", "date", "direction", "channel"]


@FAST
@given(cells=st.lists(CELL, max_size=6), cut=st.one_of(st.none(), st.integers(0, 400)), encoding=ENCODINGS)
@example(cells=["0001-01-01 08:00:00"], cut=None, encoding="utf-8")
@example(cells=["东\x00门"], cut=None, encoding="gbk")
def test_attendance_imports_never_crash_and_reject_cleanly(
    site, db, protector: Protector, tmp_path: Path, cells: list[str], cut: int | None, encoding: str
) -> None:
    rows = [
        [
            site.project_code,
            site.team_sys_no,
            "01",
            site.id_numbers[i],
            f"2026-10-08 0{7 + i}:00:00",
            "01",
            "东门",
        ]
        for i in range(2)
    ]
    for i, cell in enumerate(cells):
        rows[i % 2][(i * 3 + 4) % len(ATTENDANCE_HEADER)] = cell
    text = csv_text(ATTENDANCE_HEADER, rows)
    path = tmp_path / "a.csv"
    path.write_bytes(_encoded(text[:cut] if cut is not None else text, encoding))

    def run() -> None:
        import_attendance_file(
            db=db, principal=SYSTEM, protector=protector, path=path, options=OPTIONS, limits=SMALL
        )

    _outcome(db, run)


PAY_HEADER = ["projectCode", "teamSysNo", "payMonth", "idCardNumber", "days", "payRollBankName"]
PAY_TAIL = ["totalPayAmount", "actualAmount", "balanceDate"]


@FAST
@given(
    amounts=st.lists(
        st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.floats().map(repr),
            st.integers().map(str),
            CELL,
        ),
        min_size=3,
        max_size=3,
    ),
    bank=CELL,
)
@example(amounts=["99999999999999999999", "1", "2026-11-10"], bank="x")
@example(amounts=["1e400", "inf", "0001-01-01"], bank="农业\x00银行")
def test_payroll_imports_never_crash_and_reject_cleanly(
    world, db, protector: Protector, tmp_path: Path, amounts: list[str], bank: str
) -> None:
    row = [world.project_code, world.team_sys_no, "2026-10", world.ids[0], "22", bank, *amounts]
    path = tmp_path / "p.csv"
    path.write_text(csv_text(PAY_HEADER + PAY_TAIL, [row]), encoding="utf-8", errors="replace")

    def run() -> None:
        import_payroll_file(db=db, principal=SYSTEM, protector=protector, path=path, actor="t", limits=SMALL)

    _outcome(db, run)


# -- memory --------------------------------------------------------------------------------------------


def _peak(run: Any) -> int:
    tracemalloc.start()
    try:
        run()
    except (ImportRejected, BadInput):
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize(
    "make",
    [lambda: zip_bomb_xlsx(100), lambda: lying_xlsx(32), lambda: huge_cell_xlsx(6)],
    ids=["zip-bomb", "lying-part", "huge-cell"],
)
def test_hostile_workbooks_are_refused_in_bounded_memory(
    org, do_import, db, settings, tmp_path, make
) -> None:  # type: ignore[no-untyped-def]
    settings.import_max_xlsx_unzipped_bytes = 4 << 20
    path = tmp_path / "w.xlsx"
    path.write_bytes(make())
    peak = _peak(lambda: do_import("ProjectWorker", path))
    assert peak < 16 << 20, f"peak {peak / (1 << 20):.1f} MiB"


def test_deep_json_and_huge_csv_fields_are_refused_in_bounded_memory(org, do_import, tmp_path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(deep_json(200_000), encoding="utf-8")
    assert _peak(lambda: do_import("ProjectWorker", deep)) < 16 << 20
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"projectCode,address\r\nP1," + b"x" * (8 << 20) + b"\r\n")
    assert _peak(lambda: do_import("ProjectWorker", wide)) < 16 << 20


def test_encodings_are_streamed_in_bounded_memory(tmp_path) -> None:
    """Detection reads a big non-UTF-8 file in chunks, never whole."""
    body = ("工人,碧江区示例路1号\r\n" * 200_000).encode("gb18030")
    assert len(body) > 4 << 20
    stream = io.BytesIO(b"a,b\r\n" + body)
    tracemalloc.start()
    assert detect_encoding(stream) == "gb18030"
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 12 << 20, f"peak {peak / (1 << 20):.1f} MiB"
