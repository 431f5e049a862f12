"""National run on Spark against the single-machine engine, on a simulated lake month.

Builds P provinces of synthetic engine facts in Polars (W projects' worth of worker-months each, one in
fifty unpaid, one in a hundred underpaid), writes them as a lake (``lake.export.write_partition``, the same
writer as ``wageguard facts export``), then times, side by side on the same data:

- the single-machine engine: ``evaluate`` over every province's facts at once (what one machine would do
  with the whole nation's month in memory);
- ``national.run_national`` on ``local[N]`` (each province one grouped Arrow UDF call);
- the cross-province checks (``cross.run_cross_province``) over the keys (with ``--shared-card-every K``, one
  worker in K of every second province is paid to the card of the previous province's worker of the same
  rank: N01 in both), beside the same three checks in Polars on one machine over the same key files
  (``single_machine_cross``: the finding sets compared), and the national findings written back as one
  file per province (``outbound.write_national_findings``, what ``wageguard national import`` reads).

and checks the two alert sets are equal. Prints and optionally writes JSON: rows, seconds, rows per
second, Parquet bytes per worker-month, peak memory of this (driver) process; the JVM and Spark's Python
workers are separate processes, not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from wageguard.config import Settings
from wageguard.lake import layout as L
from wageguard.lake.cross import run_cross_province
from wageguard.lake.export import MonthFacts, write_partition
from wageguard.lake.national import alerts_of, run_national, spark_session
from wageguard.lake.outbound import write_national_findings
from wageguard.monitoring.engine import evaluate
from wageguard.monitoring.facts import Facts
from wageguard.monitoring.thresholds import resolve_values
from wageguard.workdays import WorkingCalendar

MONTH = date(2026, 9, 1)
AS_OF = date(2026, 10, 20)
NET = 600_000


def province_facts(index: int, projects: int, workers: int, shared_card_every: int = 0) -> MonthFacts:
    """One synthetic province: ``projects`` projects, ``workers`` worker-months, planted arrears."""
    prov = f"{11 + index:02d}"
    county = f"{prov}0102"
    first_project, first_worker = index * projects + 1, index * workers + 1
    ids = list(range(first_project, first_project + projects))
    const: dict[str, Any] = {
        "region_code": county,
        "status": "003",
        "pay_day": 15,
        "grace_days": 4,
        "start_date": date(2026, 1, 5),
        "contract_signed_date": date(2026, 1, 1),
        "invest_fen": 500_000_000,
        "labour_officer_name": "王专管",
        "notice_board_date": date(2026, 1, 3),
        "accounts": 1,
        "account_opened_on": date(2026, 1, 10),
        "tripartite_on": date(2026, 1, 10),
        "inflow_count": 1,
        "inflow_fen": 100_000_000,
        "progress_fen": 0,
        "progress_inflow_fen": 0,
        "deposit_fen": 5_000_000,
        "deposit_first_on": date(2026, 1, 20),
    }
    p = pl.DataFrame(
        {"project_id": ids, "project_code": [f"P{i}" for i in ids], "name": [f"项目{i}" for i in ids]}
        | {k: [v] * projects for k, v in const.items()}
    )
    w = pl.DataFrame({"worker_id": range(first_worker, first_worker + workers)})
    paid = (
        pl.when(pl.col("worker_id") % 50 == 0)
        .then(0)
        .when(pl.col("worker_id") % 100 == 1)
        .then(NET - 10_000)
        .otherwise(NET)
    )
    fixed: dict[str, Any] = {
        "region_code": county,
        "team_id": 1,
        "attended_days": 22,
        "attended_minutes": 22 * 540,
        "sheet_gross_fen": NET + 50_000,
        "sheet_net_fen": NET,
        "sheet_lines": 1,
        "other_card_fen": 0,
        "failed_fen": 0,
    }
    w = w.with_columns(pl.Series(k, [v] * workers) for k, v in fixed.items())
    w = w.with_columns(
        (first_project + (pl.col("worker_id") - first_worker) % projects).alias("project_id"),
        paid.alias("received_fen"),
        (paid > 0).cast(pl.Int64).alias("paid_count"),
        pl.when(paid > 0).then(pl.lit(date(2026, 10, 15))).alias("last_paid_on"),
        (paid * 9).alias("year_paid_fen"),
    )
    thresholds = resolve_values(Settings(environment="test"), [county])
    facts = Facts(month=MONTH, as_of=AS_OF, projects=p, worker_months=w, thresholds=thresholds).conformed()
    person = pl.format("person-{}", "worker_id")
    card = pl.col("worker_id")
    if shared_card_every and index % 2 == 1:  # the previous province's worker of the same rank: N01 in both
        shared = (pl.col("worker_id") - first_worker) % shared_card_every == 0
        card = pl.when(shared).then(pl.col("worker_id") - workers).otherwise(pl.col("worker_id"))
    cards = w.filter(pl.col("received_fen") > 0).select(
        "project_id",
        "worker_id",
        "region_code",
        person.alias("person_bidx"),
        pl.format("card-{}", card).alias("card_bidx"),
        pl.col("received_fen").alias("amount_fen"),
        pl.lit(1, dtype=pl.Int64).alias("payments"),
    )
    days = (
        w.select("project_id", "worker_id", "region_code", person.alias("person_bidx"))
        .join(pl.DataFrame({"work_date": [MONTH + timedelta(days=d) for d in range(22)]}), how="cross")
        .filter(pl.col("worker_id") % 10 == 0)  # a tenth of the workers' days: keeps the keys modest
    )
    return MonthFacts(facts, WorkingCalendar(), {"card_payments": cards, "person_days": days})


class TreeMemory(threading.Thread):
    """Samples the resident memory of this process and every descendant (the JVM, Spark's Python workers)
    from /proc every 0.2 s; keeps the peak of their sum, overall and per phase."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0
        self.by_phase: dict[str, int] = {}
        self.phase = "start"
        self._done = threading.Event()

    @staticmethod
    def _tree_rss_kb(root: int) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                stat = (d / "stat").read_text()
                status = (d / "status").read_text()
            except OSError:
                continue
            pid, ppid = int(d.name), int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(pid)
            rss[pid] = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0)
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo += children.get(pid, [])
        return total

    def run(self) -> None:
        while not self._done.wait(0.2):
            mb = round(self._tree_rss_kb(os.getpid()) / 1024)
            self.peak_mb = max(self.peak_mb, mb)
            self.by_phase[self.phase] = max(self.by_phase.get(self.phase, 0), mb)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def single_machine_cross(lake: Path, month: str) -> set[tuple[str, str, int, int]]:
    """N01–N03 in Polars over every province's key files at once: (code, province, project, worker)."""
    provinces = L.provinces_in(lake, month)

    def keys(frame: str) -> pl.LazyFrame:
        parts = [
            pl.scan_parquet(L.partition_dir(lake, frame, p, month) / L.PART_FILE).with_columns(
                pl.lit(p).alias("province")
            )
            for p in provinces
        ]
        return pl.concat(parts)

    cards, days = keys("card_payments"), keys("person_days")
    where = ["province", "project_id", "worker_id"]
    n01 = cards.filter(pl.col("province").n_unique().over("card_bidx") > 1).select(where).unique()
    clash = pl.col("province").n_unique().over("person_bidx", "work_date") > 1
    n02 = days.filter(clash).select(where).unique()
    attended = days.group_by("person_bidx").agg(pl.col("province").unique().alias("attended"))
    n03 = (
        cards.join(attended, on="person_bidx")
        .filter(~pl.col("attended").list.contains(pl.col("province")))
        .select(where)
        .unique()
    )
    found = pl.concat(
        [f.with_columns(pl.lit(c).alias("rule_code")) for c, f in (("N01", n01), ("N02", n02), ("N03", n03))]
    ).collect()
    return set(found.select("rule_code", *where).iter_rows())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--provinces", type=int, default=4)
    ap.add_argument("--projects", type=int, default=500, help="projects per province")
    ap.add_argument("--workers", type=int, default=100_000, help="worker-months per province")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--spark-memory", default="1g", help="Spark driver (and local executor) memory")
    ap.add_argument("--shared-card-every", type=int, default=0, help="plant N01: one worker in K (0: none)")
    ap.add_argument("--lake", type=Path, default=None, help="lake folder (default: a temporary one)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    lake = args.lake or Path(tempfile.mkdtemp(prefix="wg-lake-"))
    sampler = TreeMemory()
    sampler.start()
    out: dict[str, Any] = {"provinces": args.provinces, "workers_per_province": args.workers}
    sampler.phase = "build"
    t0 = time.perf_counter()
    parts = [
        province_facts(i, args.projects, args.workers, args.shared_card_every) for i in range(args.provinces)
    ]
    out["build_s"] = round(time.perf_counter() - t0, 2)
    sampler.phase = "write_lake"
    t0 = time.perf_counter()
    for i, part in enumerate(parts):
        write_partition(lake, f"{11 + i:02d}0000", part)
    out["write_lake_s"] = round(time.perf_counter() - t0, 2)
    wm_bytes = sum(p.stat().st_size for p in (lake / "worker_months").rglob(L.PART_FILE))
    lake_bytes = sum(p.stat().st_size for p in lake.rglob("*") if p.is_file())
    rows = args.provinces * args.workers
    out |= {
        "worker_months": rows,
        "lake_bytes": lake_bytes,
        "bytes_per_worker_month": round(wm_bytes / rows, 2),
    }
    sampler.phase = "single_machine"
    t0 = time.perf_counter()
    whole = Facts(
        month=MONTH,
        as_of=AS_OF,
        projects=pl.concat([p.facts.projects for p in parts]),
        worker_months=pl.concat([p.facts.worker_months for p in parts]),
        thresholds=pl.concat([p.facts.thresholds for p in parts]),
    ).conformed()
    single = alerts_of(evaluate([whole]), "").drop("province")
    out["single_machine_s"] = round(time.perf_counter() - t0, 2)
    key_rows = sum(p.keys["card_payments"].height + p.keys["person_days"].height for p in parts)
    del parts, whole
    sampler.phase = "spark_start"
    t0 = time.perf_counter()
    spark = spark_session(args.master, memory=args.spark_memory)
    out["spark_start_s"] = round(time.perf_counter() - t0, 2)
    sampler.phase = "national"
    t0 = time.perf_counter()
    national = run_national(spark=spark, lake=lake, month="2026-09")
    out["national_s"] = round(time.perf_counter() - t0, 2)
    sampler.phase = "cross_province"
    t0 = time.perf_counter()
    cross = run_cross_province(spark=spark, lake=lake, month="2026-09")
    out["cross_province_s"] = round(time.perf_counter() - t0, 2)
    spark.stop()
    sampler.phase = "single_machine_cross"
    t0 = time.perf_counter()
    polars_cross = single_machine_cross(lake, "2026-09")
    out["single_machine_cross_s"] = round(time.perf_counter() - t0, 2)
    spark_cross = set(cross.select("rule_code", "province", "project_id", "worker_id").iter_rows())
    out["cross_equal_to_single_machine"] = polars_cross == spark_cross
    sampler.phase = "findings_files"
    t0 = time.perf_counter()
    files = write_national_findings(lake=lake, month="2026-09", cross=cross)
    out["findings_files_s"] = round(time.perf_counter() - t0, 2)
    out["findings_files"] = len(files)
    out["cross_per_rule"] = dict(cross["rule_code"].value_counts().sort("rule_code").iter_rows())
    key = ["rule_code", "subject_key", "period"]
    out["alerts"] = national.height
    out["equal_to_single_machine"] = national.drop("province").sort(key).equals(single.sort(key))
    out["cross_province_findings"] = cross.height
    out["national_rows_per_s"] = round(rows / out["national_s"])
    out["cross_key_rows"] = key_rows
    out["cross_rows_per_s"] = round(key_rows / out["cross_province_s"])
    out["single_machine_rows_per_s"] = round(rows / out["single_machine_s"])
    out["single_machine_cross_rows_per_s"] = round(key_rows / out["single_machine_cross_s"])
    out["peak_rss_mb_self"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    sampler.stop()
    out["peak_rss_mb_tree"] = sampler.peak_mb
    out["peak_rss_mb_tree_by_phase"] = sampler.by_phase
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2))
    if args.lake is None:
        shutil.rmtree(lake, ignore_errors=True)


if __name__ == "__main__":
    main()
