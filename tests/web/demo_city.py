"""A small demo city (every demo stage, through the real import paths), built once per test process and
copied for each module that wants it: 20 projects, 1,500 workers, the demo's logins (admin/admin123,
tongren/tongren123, bijiang/bijiang123, gc/gc123, bank/bank123, gate/gate123). About 20 s on an idle core."""

from __future__ import annotations

import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from fastapi.testclient import TestClient

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.migrate import upgrade_database
from wageguard.security.crypto import Protector

PROJECTS, WORKERS, SEED = 20, 1500, 3
LOGINS = {
    "admin": "admin123",
    "tongren": "tongren123",
    "bijiang": "bijiang123",
    "gc": "gc123",
    "bank": "bank123",
    "gate": "gate123",
}


def city_settings(database: Path, var_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{database}",
        var_dir=var_dir,
        monitor_scheduler_enabled=False,
    )


@lru_cache(maxsize=1)
def _built() -> Path:
    """The built city's SQLite file (once per process; later callers copy it)."""
    root = Path(tempfile.mkdtemp(prefix="wg-demo-city-"))
    settings = city_settings(root / "city.db", root / "var")
    upgrade_database(settings.database_url)
    db = Database(settings.database_url)
    try:
        ctx = DemoContext(
            db=db,
            protector=Protector(settings.data_key_bytes, settings.index_key_bytes),
            settings=settings,
            out_dir=root / "files",
            seed=SEED,
            projects=PROJECTS,
            workers=WORKERS,
            log=lambda _line: None,
        )
        for _name, stage in all_stages():
            stage(ctx)
    finally:
        db.dispose()
    return root / "city.db"


def demo_city(target_dir: Path) -> Settings:
    """Settings of a fresh copy of the demo city under ``target_dir``."""
    target_dir.mkdir(parents=True, exist_ok=True)
    database = target_dir / "city.db"
    shutil.copyfile(_built(), database)
    return city_settings(database, target_dir / "var")


def log_in(client: TestClient, username: str, password: str | None = None) -> None:
    """Log in through the form (its CSRF token and cookie), as a browser would."""
    form = client.get("/login")
    match = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert match, form.text[:300]
    data = {"username": username, "password": password or LOGINS[username], "csrf": match.group(1)}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
