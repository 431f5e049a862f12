"""Synthetic but valid exchange-format data for import tests (and a quick local speed check)."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stdnum import luhn
from stdnum.cn import ric, uscc

AREA = "520102"


def make_uscc(n: int, area: str = AREA) -> str:
    """A valid unified social credit code numbered ``n``."""
    body = f"91{area}{n:09d}"
    return body + uscc.calc_check_digit(body)


def make_id(n: int, area: str = AREA, born: date = date(2000, 1, 1)) -> str:
    """A valid 18-character ID number numbered ``n`` (area code valid, check digit right)."""
    birth = born + timedelta(days=n % 7000)
    body = f"{area}{birth:%Y%m%d}{n % 1000:03d}"
    number = body + ric.calc_check_digit(body + "0")
    if ric.calc_check_digit(number) != number[-1]:  # pragma: no cover - defensive
        raise AssertionError(number)
    return number


def unique_id(n: int) -> str:
    """A valid ID number unique for every ``n`` < 7,000,000 (birth date and sequence vary)."""
    birth = date(2000, 1, 1) + timedelta(days=n // 1000)
    body = f"{AREA}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_card(n: int) -> str:
    """A 19-digit card number passing Luhn."""
    body = f"621700{n:012d}"
    return body + luhn.calc_check_digit(body)


def corp_row(n: int, **kw: Any) -> dict[str, Any]:
    return {"corpCode": make_uscc(n), "corpName": f"铜仁建工第{n}公司", "areaCode": AREA, **kw}


def project_row(code: str, contractor: str, **kw: Any) -> dict[str, Any]:
    return {
        "projectCode": code,
        "name": f"项目{code}",
        "areaCode": AREA,
        "contractorCorpCode": contractor,
        "category": "01",
        "invest": "1,234,567.80",
        "payDay": "10",
        **kw,
    }


def team_row(project: str, corp: str, sys_no: str, **kw: Any) -> dict[str, Any]:
    return {"projectCode": project, "corpCode": corp, "teamName": f"班组{sys_no}", "teamSysNo": sys_no, **kw}


def worker_row(project: str, corp: str, team: str, n: int, **kw: Any) -> dict[str, Any]:
    return {
        "projectCode": project,
        "corpCode": corp,
        "teamSysNo": team,
        "workerName": f"工人{n}",
        "idCardType": "01",
        "idCardNumber": unique_id(n),
        "workType": "020",
        "workRole": "20",
        "cellPhone": f"138{n:08d}",
        "payRollBankCardNumber": make_card(n),
        "payRollTopBankCode": "105",
        **kw,
    }


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def write_worker_csv(path: Path, count: int, *, projects: list[str], corp: str, teams: list[str]) -> Path:
    """A large ProjectWorker CSV written row by row (for speed checks)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = None
        for n in range(count):
            i = n % len(projects)
            row = worker_row(projects[i], corp, teams[i], n)
            if writer is None:
                writer = csv.DictWriter(fh, list(row))
                writer.writeheader()
            writer.writerow(row)
    return path
