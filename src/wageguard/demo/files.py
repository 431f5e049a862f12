"""Write a demo city as CSV files in the national exchange format (UTF-8, one file per object).

Column names are the standard's field names (docs/formats.md). The plan (enterprises, projects, teams) is
written first; workers are drawn team by team and streamed to ``ProjectWorker``, ``WorkerEntryExit`` and
``WorkerContract`` at once, so memory stays flat however many workers are asked for.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from wageguard.demo import layout
from wageguard.demo.city import CityPlanner
from wageguard.demo.people import PeopleFactory
from wageguard.demo.workers import draw_team


@dataclass
class CityFiles:
    """The files of one generated city, in import order, with their data-row counts."""

    out_dir: Path
    paths: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def ordered(self) -> list[tuple[str, Path]]:
        return [(name, self.paths[name]) for name in layout.IMPORT_ORDER if name in self.paths]


class _Sink:
    """One CSV file being written, with its header and a row counter."""

    def __init__(self, stack: ExitStack, files: CityFiles, name: str, *, skip: bool = False) -> None:
        path = files.out_dir / f"{name}.csv"
        self.skip = skip
        if skip:  # an object not asked for: rows are still drawn (same city) but not written
            return
        self.fh = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
        self.columns = layout.COLUMNS[name]
        self.writer = csv.writer(self.fh, lineterminator="\n")
        self.writer.writerow(self.columns)
        self.name, self.files = name, files
        files.paths[name], files.rows[name] = path, 0

    def write(self, row: dict[str, Any]) -> None:
        if self.skip:
            return
        self.writer.writerow([row.get(c, "") for c in self.columns])
        self.files.rows[self.name] += 1


def generate_city(
    out_dir: Path,
    *,
    seed: int,
    projects: int,
    workers: int,
    region_code: str,
    as_of: date,
    only: Collection[str] | None = None,
) -> CityFiles:
    """Plan a city and write its files under ``out_dir`` (created); same arguments, same bytes.

    ``only`` limits the objects written (the benchmark needs no contracts); the city drawn is the same.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    planner = CityPlanner(seed=seed, region_code=region_code, projects=projects, workers=workers, as_of=as_of)
    plan = planner.plan()
    files = CityFiles(out_dir)
    with ExitStack() as stack:
        sinks = {
            name: _Sink(stack, files, name, skip=only is not None and name not in only)
            for name in layout.IMPORT_ORDER
        }
        for row in layout.corp_rows(plan):
            sinks["Corp"].write(row)
        for project in plan.projects:
            sinks["Project"].write(layout.project_row(project))
            for row in layout.participant_rows(project):
                sinks["ProjectSubContractor"].write(row)
        rng = random.Random(f"wageguard-demo:{seed}:workers")
        people = PeopleFactory(rng, region_code, used=planner.people.used)
        for project in plan.projects:
            for team in project.teams:
                members = list(draw_team(rng, people, plan, project, team))
                sinks["Team"].write(layout.team_row(project, team, members[0]))
                for member in members:
                    sinks["ProjectWorker"].write(layout.worker_row(project, team, member))
                    for row in layout.entry_exit_rows(project, team, member):
                        sinks["WorkerEntryExit"].write(row)
                    sinks["WorkerContract"].write(layout.contract_row(project, team, member))
    return files
