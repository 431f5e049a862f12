"""Demo stage 1, the real-name registry: write the city's exchange files, import them, create demo users.

The files go through ``wageguard.ingest.service.import_file``, the same path as an enterprise's upload, so
the demo exercises validation, encryption and blind indexes exactly as real data does. Running the stage
again writes the same bytes and the imports find nothing to change.

Planted faults (rule W22): one active project has no rights notice board, another no labour-relations
officer (their fields are blanked in ``Project.csv`` before the import); both go into the ground truth.
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path
from typing import Any

from wageguard.auth.scope import SYSTEM
from wageguard.demo.files import CityFiles, generate_city
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import ground_truth
from wageguard.demo.users import ensure_demo_users
from wageguard.errors import ImportRejected
from wageguard.ingest.service import import_file

REGISTRY_FAULTS = (("no_notice_board", "noticeBoardDate"), ("no_labour_officer", "labourOfficerName"))


def write_registry_files(ctx: DemoContext) -> CityFiles:
    """Generate the city's registry files under ``<out_dir>/registry``, with the W22 faults planted."""
    files = generate_city(
        ctx.out_dir / "registry",
        seed=ctx.seed,
        projects=ctx.projects,
        workers=ctx.workers,
        region_code=ctx.region_code,
        as_of=ctx.as_of,
    )
    plant_registry_faults(ctx, files.paths["Project"])
    return files


def plant_registry_faults(ctx: DemoContext, path: Path) -> None:
    """Blank the notice-board date of one active project and the labour officer of another (same seed,
    same projects, same bytes)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    active = [r["projectCode"] for r in rows if r.get("prjStatus") == "003"]
    rng = random.Random(f"wageguard-demo:{ctx.seed}:registry-faults")
    chosen = rng.sample(active, k=min(len(active), len(REGISTRY_FAULTS)))
    truth = ground_truth(ctx)
    truth.forget("registry")
    for (fault, column), code in zip(REGISTRY_FAULTS, chosen, strict=False):
        for row in rows:
            if row["projectCode"] == code:
                row[column] = ""
        truth.plant(fault, "registry", code, field=column)
        truth.expect_project("W22", code, "", fault=fault)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _import(ctx: DemoContext, name: str, files: CityFiles) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        report = import_file(
            db=ctx.db,
            protector=ctx.protector,
            object_name=name,
            path=files.paths[name],
            actor=SYSTEM,
            settings=ctx.settings,
        )
    except ImportRejected as exc:
        first = [p.as_dict() for p in exc.problems[:5]]
        raise RuntimeError(f"demo file {name} was rejected: {first}") from exc
    seconds = time.perf_counter() - started
    ctx.log(
        f"    {name:<22} {report.rows:>9,} 行/rows  新增/inserted {report.inserted:,}  "
        f"更新/updated {report.updated:,}  未变/unchanged {report.unchanged:,}  "
        f"提示/warnings {report.warning_count:,}  {seconds:.1f}s"
    )
    return {"rows": report.rows, "inserted": report.inserted, "unchanged": report.unchanged}


def registry_stage(ctx: DemoContext) -> None:
    """Generate and import the registry files, then make sure the demo users exist."""
    started = time.perf_counter()
    files = write_registry_files(ctx)
    ctx.log(f"    生成文件 / files written to {files.out_dir} in {time.perf_counter() - started:.1f}s")
    imported = {name: _import(ctx, name, files) for name, _path in files.ordered()}
    with ctx.db.transaction() as session:
        logins = ensure_demo_users(session=session)
    ctx.truth["registry"] = {"files": {k: str(v) for k, v in files.paths.items()}, "imported": imported}
    ctx.truth["logins"] = [login.as_dict() for login in logins]
