"""A small city for read-API and page tests: two Tongren counties and one Guiyang county.

- 碧江区 520602: enterprise ``ea`` (registered there) is GC of ``pa1`` and ``pa2``; ``pa1`` has a team and two
  workers, one of whom (``shared``) also works on ``pb1``.
- 万山区 520603: enterprise ``eb`` (registered and present only there) is GC of ``pb1``; ``ea`` is its
  labour subcontractor; ``pb1`` has a team and two workers (plus ``shared``).
- 南明区 520102 (Guiyang): enterprise ``eg`` is GC of ``pg``, with one worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from factories import GC, LABOUR_SUB, engage, id_number, make_enterprise, make_project, make_team, make_worker
from wageguard.db import Database
from wageguard.security.crypto import Protector


@dataclass
class City:
    ids: dict[str, int] = field(default_factory=dict)
    clear_ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


@pytest.fixture
def city(db: Database, protector: Protector) -> City:
    c = City()
    with db.transaction() as s:
        ea = make_enterprise(s, name="碧江建工集团", region_code="520602")
        eb = make_enterprise(s, name="万山路桥有限公司", region_code="520603")
        eg = make_enterprise(s, name="南明建设有限公司", region_code="520102")
        pa1 = make_project(s, region_code="520602", name="碧江安置房一期", participants=[(ea, GC)])
        pa2 = make_project(
            s, region_code="520602", name="碧江学校改建", status="004", category="02", participants=[(ea, GC)]
        )
        pb1 = make_project(
            s, region_code="520603", name="万山大道", category="05", participants=[(eb, GC), (ea, LABOUR_SUB)]
        )
        pg = make_project(s, region_code="520102", name="南明商业中心", participants=[(eg, GC)])
        ta = make_team(s, project=pa1, enterprise=ea, name="钢筋班")
        tb = make_team(s, project=pb1, enterprise=ea, name="路基班")
        numbers = {key: id_number() for key in ("wa1", "shared", "wb1", "wg1")}
        wa1 = make_worker(
            s, protector, project=pa1, team=ta, name="张三", number=numbers["wa1"], work_type="020"
        )
        shared = make_worker(s, protector, project=pa1, team=ta, name="李四", number=numbers["shared"])
        engage(s, shared, project=pb1, team=tb, exit_date=date(2025, 6, 30))
        wb1 = make_worker(
            s, protector, project=pb1, team=tb, name="王五", number=numbers["wb1"], work_type="030"
        )
        wg1 = make_worker(s, protector, project=pg, name="赵六", number=numbers["wg1"])
        rows = dict(
            ea=ea,
            eb=eb,
            eg=eg,
            pa1=pa1,
            pa2=pa2,
            pb1=pb1,
            pg=pg,
            ta=ta,
            tb=tb,
            wa1=wa1,
            shared=shared,
            wb1=wb1,
            wg1=wg1,
        )
        c.ids = {k: v.id for k, v in rows.items()}
    c.clear_ids = numbers
    return c
