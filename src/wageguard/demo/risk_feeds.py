"""The demo city's hidden enterprise risk and the three external feeds it drives (issue 13).

Every enterprise gets a hidden **propensity** ``z ~ N(0, 1)``, drawn from its own seeded generator
(``propensity(seed, credit_code)``: the same city, the same z). The propensity drives, *noisily*, both what
the external feeds say about the enterprise and the arrears the money stage plants on its projects as
general contractor (``money_plan.propensity_plants``), so a model trained on the demo has something real to
learn and a back-test means something. Each signal is a chance ``sigmoid(a + b·z)`` (b around 1), never a
function of z alone.

The feeds are written in the documented formats (docs/formats.md, "Risk feeds"): contracting as CSV, tax as
XLSX, registration and credit as JSON. Every date in them lies on or before the feeds' data date
(``feed_date``), two weeks before the back-test cut (``as_of`` minus three months), so features read at the
cut see all of it and nothing of the demo months. No database here: ``risk_stage.py`` reads the registry,
calls ``write_feeds`` and imports the files.
"""

from __future__ import annotations

import csv
import json
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from wageguard.risk.features import months_before

CUT_MONTHS = 3  # the back-test's horizon: the cut lies this many months before ``as_of``
TAX_YEARS = (2023, 2024, 2025)
DEFAULT_CONTRACT_YUAN = 50_000_000
AUTHORITIES = (
    "铜仁市市场监督管理局",
    "铜仁市人力资源和社会保障局",
    "铜仁市住房和城乡建设局",
    "铜仁市应急管理局",
)
COURTS = ("碧江区人民法院", "铜仁市中级人民法院", "万山区人民法院")
REP_NAMES = ("张建国", "李明", "王志强", "刘海", "陈伟", "杨勇", "吴军", "田华")


@dataclass(frozen=True)
class FeedCorp:
    """A registered enterprise as the feeds need it."""

    code: str
    established: date | None
    reg_capital_fen: int | None


@dataclass(frozen=True)
class FeedProject:
    """A registered project as the contracting feed needs it."""

    code: str
    owner_code: str
    gc_code: str | None
    invest_fen: int | None
    signed: date | None


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def propensity(seed: int, credit_code: str) -> float:
    """The enterprise's hidden risk propensity: one standard normal draw from its own seeded generator."""
    return random.Random(f"wageguard-demo:{seed}:propensity:{credit_code}").gauss(0.0, 1.0)


def feed_date(as_of: date) -> date:
    """The feeds' data date: two weeks before the back-test cut (``as_of`` minus ``CUT_MONTHS`` months)."""
    return months_before(as_of, CUT_MONTHS) - timedelta(days=14)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _day_before(rng: random.Random, end: date, days: int) -> date:
    return end - timedelta(days=rng.randint(1, days))


# -- tax (XLSX) ------------------------------------------------------------------------------------------


def tax_rows(corp: FeedCorp, z: float, rng: random.Random) -> list[dict[str, str]]:
    """Tax years 2023–2025: a rating that worsens with z plus noise, arrears more likely with z."""
    rows = []
    capital = corp.reg_capital_fen or 10_000_000_00
    for year in TAX_YEARS:
        if corp.established is not None and corp.established.year > year:
            continue
        grade = z + rng.gauss(0.0, 0.8)
        young = corp.established is not None and year - corp.established.year < 2
        rating = "D" if grade > 2.0 else "C" if grade > 1.2 else "B" if grade > 0.0 else "M" if young else "A"
        arrears = 0
        if rng.random() < sigmoid(-2.2 + 1.1 * z):
            arrears = int(rng.lognormvariate(11.5, 1.2)) * 100  # about ¥100,000, fen
        revenue = max(100_000_00, int(capital * rng.uniform(0.05, 0.4)))
        rows.append(
            {
                "corpCode": corp.code,
                "taxYear": str(year),
                "creditRating": rating,
                "taxArrears": _yuan(arrears),
                **{
                    f"revenueQ{q}": _yuan(int(revenue * rng.uniform(0.7, 1.3)) // 100 * 100)
                    for q in range(1, 5)
                },
                "asOfDate": date(year + 1, 4, 30).isoformat(),
            }
        )
    return rows


def write_tax_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    """The tax feed as a workbook: the header in row 1, every cell text (as an export would give it)."""
    columns = ["corpCode", "taxYear", "creditRating", "taxArrears", "revenueQ1", "revenueQ2", "revenueQ3",
               "revenueQ4", "asOfDate"]  # fmt: skip
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "tax"
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    book.save(path)
    return path


# -- registration and credit (JSON) ----------------------------------------------------------------------


def registration_object(corp: FeedCorp, z: float, rng: random.Random, data_date: date) -> dict[str, Any]:
    """The enterprise's profile and credit records, each record's chance rising with z."""
    capital = corp.reg_capital_fen or 10_000_000_00
    share = rng.uniform(0.02, 0.2) if rng.random() < sigmoid(-1.4 + 1.0 * z) else rng.uniform(0.5, 1.0)
    established = corp.established or date(2015, 1, 1)
    out: dict[str, Any] = {
        "corpCode": corp.code,
        "establishDate": established.isoformat(),
        "regCapital": _yuan(capital),
        "paidInCapital": _yuan(int(capital * share) // 100 * 100),
        "asOfDate": data_date.isoformat(),
        "legalRepChanges": [],
        "abnormalOperations": [],
        "dishonestDebtors": [],
        "penalties": [],
        "socialInsuranceArrears": [],
    }
    for _ in range(2):
        if rng.random() < sigmoid(-2.4 + 1.0 * z):
            when = _day_before(rng, data_date, 330)
            out["legalRepChanges"].append({"date": when.isoformat(), "name": rng.choice(REP_NAMES)})
    if rng.random() < sigmoid(-2.6 + 1.1 * z):
        listed = _day_before(rng, data_date, 600)
        item = {"date": listed.isoformat(), "reason": "通过登记的住所或者经营场所无法联系",
                "authority": AUTHORITIES[0]}  # fmt: skip
        if rng.random() < 0.25 and (data_date - listed).days > 30:  # removed again: not in force
            item["endDate"] = (
                listed + timedelta(days=rng.randint(10, (data_date - listed).days))
            ).isoformat()
        out["abnormalOperations"].append(item)
    if rng.random() < sigmoid(-3.4 + 1.2 * z):
        listed = _day_before(rng, data_date, 500)
        ref = f"({listed.year})黔0602执{rng.randint(100, 999)}号"
        out["dishonestDebtors"].append(
            {"date": listed.isoformat(), "reference": ref, "authority": rng.choice(COURTS)}
        )
    for k in range(3):
        if rng.random() < sigmoid(-2.2 + 1.0 * z - 0.5 * k):
            decided = _day_before(rng, data_date, 700)
            out["penalties"].append(
                {
                    "date": decided.isoformat(),
                    "authority": rng.choice(AUTHORITIES[1:]),
                    "amount": _yuan(rng.randint(5, 200) * 1_000_00),
                    "reference": f"铜罚〔{decided.year}〕{rng.randint(1, 300)}号",
                    "reason": rng.choice(("拖欠农民工工资", "未按规定缴纳社会保险费", "安全生产违法行为")),
                }
            )
    if rng.random() < sigmoid(-2.0 + 1.0 * z):
        when = _day_before(rng, data_date, 60)
        out["socialInsuranceArrears"].append(
            {"date": when.isoformat(), "amount": _yuan(int(rng.lognormvariate(11.8, 1.3)) * 100)}
        )
    return out


# -- contracting (CSV) -----------------------------------------------------------------------------------

CONTRACTING_HEADER = ["projectCode", "ownerCorpCode", "contractAmount", "contractDate", "asOfDate", "stage",
                      "dueDate", "dueAmount", "paidDate", "paidAmount"]  # fmt: skip


def contracting_rows(
    project: FeedProject, z: float, rng: random.Random, data_date: date
) -> list[dict[str, str]]:
    """The project's contract and quarterly progress payments; the owner pays late, short or not at all
    the more likely the higher its general contractor's z (payments due after the data date: scheduled)."""
    if project.signed is None or project.signed > data_date:
        return []  # signed after the feed was drawn: not in it
    amount = project.invest_fen or DEFAULT_CONTRACT_YUAN * 100
    stages = 8
    due_fen = amount // stages // 100 * 100
    head = {
        "projectCode": project.code,
        "ownerCorpCode": project.owner_code,
        "contractAmount": _yuan(amount),
        "contractDate": project.signed.isoformat(),
        "asOfDate": data_date.isoformat(),
    }
    rows = []
    for n in range(1, stages + 1):
        due = project.signed + timedelta(days=91 * n)
        row = {**head, "stage": str(n), "dueDate": due.isoformat(), "dueAmount": _yuan(due_fen)}
        if due <= data_date:
            paid_on, paid_fen = due + timedelta(days=rng.randint(0, 10)), due_fen
            if rng.random() < sigmoid(-1.6 + 1.0 * z):
                paid_on = due + timedelta(days=rng.randint(20, 160))
            if rng.random() < sigmoid(-2.6 + 1.0 * z):
                paid_fen = due_fen * rng.randint(3, 7) // 10 // 100 * 100
            if paid_on <= data_date and rng.random() >= sigmoid(-3.2 + 1.0 * z):
                row |= {"paidDate": paid_on.isoformat(), "paidAmount": _yuan(paid_fen)}
        rows.append(row)
    return rows


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- the three files -------------------------------------------------------------------------------------


@dataclass
class FeedFiles:
    """Where the feeds were written, and the propensity of every enterprise (credit code -> z)."""

    contracting: Path
    tax: Path
    registration: Path
    propensity: dict[str, float]
    data_date: date


def write_feeds(
    out_dir: Path, *, seed: int, as_of: date, corps: list[FeedCorp], projects: list[FeedProject]
) -> FeedFiles:
    """Write the contracting, tax and registration files for every enterprise and project under ``out_dir``
    (same seed, same bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data_date = feed_date(as_of)
    z = {c.code: propensity(seed, c.code) for c in sorted(corps, key=lambda c: c.code)}

    def rng(kind: str, code: str) -> random.Random:
        return random.Random(f"wageguard-demo:{seed}:risk-{kind}:{code}")

    tax = [r for c in sorted(corps, key=lambda c: c.code) for r in tax_rows(c, z[c.code], rng("tax", c.code))]
    registration = [
        registration_object(c, z[c.code], rng("registration", c.code), data_date)
        for c in sorted(corps, key=lambda c: c.code)
    ]
    contracting = [
        r
        for p in sorted(projects, key=lambda p: p.code)
        for r in contracting_rows(p, z.get(p.gc_code or "", 0.0), rng("contracting", p.code), data_date)
    ]
    reg_path = out_dir / "registration.json"
    reg_path.write_text(json.dumps(registration, ensure_ascii=False, indent=1), encoding="utf-8")
    return FeedFiles(
        contracting=write_csv(out_dir / "contracting.csv", CONTRACTING_HEADER, contracting),
        tax=write_tax_xlsx(out_dir / "tax.xlsx", tax),
        registration=reg_path,
        propensity=z,
        data_date=data_date,
    )
