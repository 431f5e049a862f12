"""The demo city generator: deterministic, the sizes asked for, identifiers that pass the validators."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from wageguard.demo.files import CityFiles, generate_city
from wageguard.demo.layout import COLUMNS, IMPORT_ORDER
from wageguard.validation import (
    bank_card_warnings,
    id_number_warnings,
    parse_bank_card,
    parse_id_number,
    parse_mobile,
    parse_uscc,
)

AS_OF = date(2026, 11, 28)
TONGREN_COUNTIES = {"520602", "520603", *(f"5206{n}" for n in range(21, 29))}  # 碧江, 万山, 江口 … 松桃


def _city(
    out: Path, *, seed: int = 7, projects: int = 6, workers: int = 400, region: str = "520600"
) -> CityFiles:
    return generate_city(out, seed=seed, projects=projects, workers=workers, region_code=region, as_of=AS_OF)


def _rows(files: CityFiles, name: str) -> list[dict[str, str]]:
    with files.paths[name].open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> CityFiles:
    return _city(tmp_path_factory.mktemp("city"), projects=8, workers=900)


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first, second = _city(tmp_path / "a"), _city(tmp_path / "b")
    for name in IMPORT_ORDER:
        assert first.paths[name].read_bytes() == second.paths[name].read_bytes(), name


def test_another_seed_writes_another_city(tmp_path: Path) -> None:
    first, other = _city(tmp_path / "a"), _city(tmp_path / "b", seed=8)
    for name in ("Corp", "Project", "ProjectWorker"):
        assert first.paths[name].read_bytes() != other.paths[name].read_bytes(), name


def test_every_object_has_its_file_with_the_documented_columns(city: CityFiles) -> None:
    assert [name for name, _ in city.ordered()] == list(IMPORT_ORDER)
    for name, path in city.ordered():
        with path.open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == list(COLUMNS[name])


def test_sizes_are_honoured(city: CityFiles) -> None:
    projects, workers = _rows(city, "Project"), _rows(city, "ProjectWorker")
    assert len(projects) == city.rows["Project"] == 8
    assert len(workers) == city.rows["ProjectWorker"] == 900
    assert len(_rows(city, "WorkerContract")) == 900
    assert {w["projectCode"] for w in workers} == {p["projectCode"] for p in projects}
    teams = _rows(city, "Team")
    assert Counter(w["teamSysNo"] for w in workers).keys() == {t["teamSysNo"] for t in teams}


def test_projects_lie_in_the_region_and_are_mostly_under_construction(city: CityFiles) -> None:
    projects = _rows(city, "Project")
    assert {p["areaCode"] for p in projects} <= TONGREN_COUNTIES
    assert len({p["areaCode"] for p in projects}) == 8  # spread over the counties
    assert Counter(p["prjStatus"] for p in projects).most_common(1)[0][0] == "003"
    assert all(1 <= int(p["payDay"]) <= 28 and int(p["graceDays"]) >= 0 for p in projects)


def test_a_province_spreads_projects_over_its_prefectures(tmp_path: Path) -> None:
    files = _city(tmp_path, projects=30, workers=300, region="520000")
    prefectures = {p["areaCode"][:4] for p in _rows(files, "Project")}
    assert len(prefectures) >= 5


def test_id_numbers_are_valid_unique_and_in_force_in_the_birth_year(city: CityFiles) -> None:
    workers = _rows(city, "ProjectWorker")
    numbers = [w["idCardNumber"] for w in workers]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        checked = parse_id_number(number)
        assert id_number_warnings(checked) == []
        assert 1962 <= checked.birth_date.year <= 2004
    natives = [n for n in numbers if n.startswith("5222")]  # 铜仁地区 codes, in force until 2011
    assert len(natives) > len(numbers) // 2
    assert not any(n.startswith("5206") for n in numbers)  # nobody in the sample was born after 2011


def test_credit_codes_phones_and_cards_pass_the_validators(city: CityFiles) -> None:
    corps = _rows(city, "Corp")
    assert len({c["corpCode"] for c in corps}) == len(corps)
    for corp in corps:
        assert parse_uscc(corp["corpCode"]) == corp["corpCode"]
    workers = _rows(city, "ProjectWorker")
    luhn_failures = 0
    for worker in workers:
        parse_mobile(worker["cellPhone"])
        card = parse_bank_card(worker["payRollBankCardNumber"])
        assert 16 <= len(card) <= 19
        luhn_failures += bool(bank_card_warnings(card))
    assert luhn_failures < len(workers) // 50


def test_participants_have_the_national_corp_types(city: CityFiles) -> None:
    participants = _rows(city, "ProjectSubContractor")
    by_project: dict[str, set[str]] = {}
    for row in participants:
        by_project.setdefault(row["projectCode"], set()).add(row["corpType"])
    assert all({"008", "009", "006"} <= types for types in by_project.values())
    assert {t for types in by_project.values() for t in types} == {"001", "006", "008", "009"}


def test_contracts_pay_realistic_rates(city: CityFiles) -> None:
    contracts = _rows(city, "WorkerContract")
    bases = Counter(c["wageBasis"] for c in contracts)
    assert bases["daily"] > bases["monthly"] > 0
    for contract in contracts:
        if contract["wageBasis"] == "daily":
            assert 180 <= int(contract["rate"]) <= 450
        assert contract["startDate"] <= contract["endDate"]


def test_every_worker_has_an_entry_and_team_leaders_lead(city: CityFiles) -> None:
    entries = _rows(city, "WorkerEntryExit")
    entered = {e["idCardNumber"] for e in entries if e["type"] == "1"}
    workers = _rows(city, "ProjectWorker")
    assert entered == {w["idCardNumber"] for w in workers}
    leaders = {t["teamLeaderIdNumber"] for t in _rows(city, "Team")}
    assert leaders == {w["idCardNumber"] for w in workers if w["isTeamLeader"] == "1"}
