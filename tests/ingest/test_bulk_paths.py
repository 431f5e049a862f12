"""The two write paths of a ProjectWorker import (new workers in bulk, stored workers upserted) agree."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

from sqlalchemy import select
from tests.ingest.factories import make_card, unique_id, worker_row, write_csv

from wageguard.config import Settings
from wageguard.ingest.collector import collector_paused
from wageguard.registry.models import BankCard, ProjectWorker, Worker
from wageguard.security.crypto import Protector


def _mixed_rows(corp: str, other: str) -> list[dict[str, str]]:
    """250 rows on P1 in three chunks of 100, plus three P2 rows placed to cross the paths."""
    rows = [worker_row("P1", corp, "T1", n, workerName=f"新{n}") for n in range(250)]
    rows.insert(20, worker_row("P2", other, "T2", 30, workerName="新30"))  # stored worker, twice in chunk 1
    rows.insert(45, worker_row("P2", other, "T2", 41, workerName="新41"))  # new worker, twice in chunk 1
    rows.append(worker_row("P2", other, "T2", 55, workerName="新55"))  # new in chunk 1, stored by chunk 3
    return rows


def test_chunks_mixing_new_and_stored_workers_store_each_row_on_its_own_worker(
    org, do_import, db, protector: Protector, settings: Settings, tmp_path: Path
) -> None:
    settings.import_batch_rows = 100
    stored = [worker_row("P1", org.corp, "T1", n) for n in range(0, 300, 10)]
    assert do_import("ProjectWorker", write_csv(tmp_path / "a.csv", stored)).inserted == 30
    path = write_csv(tmp_path / "b.csv", _mixed_rows(org.corp, org.other_corp))
    report = do_import("ProjectWorker", path)
    # 25 stored workers renamed (updated); 225 new on P1 and three new engagements on P2 (inserted)
    assert (report.inserted, report.updated, report.unchanged) == (228, 25, 0)
    with db.sessions() as s:
        workers = s.scalars(select(Worker)).all()
        engagements = s.execute(select(ProjectWorker.worker_id, ProjectWorker.project_id)).all()
        phones = {
            (pw.worker_id, pw.project_id): protector.decrypt(pw.phone_enc or b"")
            for pw in s.scalars(select(ProjectWorker))
        }
        cards = s.scalars(select(BankCard).where(BankCard.is_current)).all()
    numbers = {w.id: int(w.name.removeprefix("新").removeprefix("工人")) for w in workers}
    assert sorted(numbers.values()) == sorted(set(range(250)) | set(range(0, 300, 10)))
    for w in workers:
        n = numbers[w.id]
        number = unique_id(n)
        assert protector.decrypt(w.id_enc) == number and w.id_bidx == protector.blind_index(number)
        gender = "M" if int(unique_id(n)[16]) % 2 else "F"
        assert (w.birth_date, w.gender) == (date(2000, 1, 1), gender)
        assert w.id_masked == unique_id(n)[:4] + "*" * 10 + unique_id(n)[-4:]
    assert len(engagements) == 30 + 225 + 3 and len(set(engagements)) == len(engagements)
    assert all(phone == f"138{numbers[w]:08d}" for (w, _), phone in phones.items())
    assert sorted(numbers[w] for w, _ in engagements).count(30) == 2
    assert {c.worker_id for c in cards} == set(numbers) and len(cards) == len(numbers)
    for card in cards:
        assert protector.decrypt(card.card_enc) == make_card(numbers[card.worker_id])
        assert card.card_bidx == protector.blind_index(make_card(numbers[card.worker_id]))
        assert card.bank_name is None and card.top_bank_code == "105" and card.created_at is not None

    again = do_import("ProjectWorker", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 253)


def test_import_pauses_the_cyclic_collector_only_while_it_runs(org, do_import, tmp_path: Path) -> None:
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        do_import("ProjectWorker", write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)]))
        assert not gc.isenabled()
    assert gc.isenabled()
    do_import("ProjectWorker", write_csv(tmp_path / "w2.csv", [worker_row("P1", org.corp, "T1", 2)]))
    assert gc.isenabled()
