"""Handlers of the worker objects: ProjectWorker, WorkerEntryExit, WorkerContract (the hot import path).

A ProjectWorker row names a person (by ID number) and engages them on a project. The person's identity
(name, document, gender, birth date, nation) belongs to the enterprise that registered them: anyone else's
row may engage the person but never changes those fields, and a row whose name differs from the registered
one is refused (for an enterprise with a generic "could not be verified", so the answer never tells whether
the number is registered elsewhere; the audit log keeps the detail). Phone, home address and payroll card
are stored on the row's own engagement, so one enterprise's import never changes what another recorded.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import select

from wageguard.db import utcnow
from wageguard.errors import Problem
from wageguard.ingest.context import (
    IDENTITY_MISMATCH,
    IDENTITY_UNVERIFIED,
    TEAM_MISSING,
    WORKER_MISSING,
    AuditEvent,
    ImportContext,
    PersonRef,
    TeamRef,
)
from wageguard.ingest.handlers.base import (
    Handler,
    code,
    day,
    flag,
    money,
    phone,
    resolve_corp,
    resolve_project,
    text,
    uscc,
)
from wageguard.ingest.handlers.new_workers import insert_new_workers, split_new
from wageguard.ingest.spec import FieldSpec, ObjectSpec, ParsedRow, id_field, id_text
from wageguard.registry import choices
from wageguard.registry.models import ProjectWorker
from wageguard.registry.service import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Key,
    Saved,
    refresh_entry_exit_dates,
    save_cards,
    save_contracts,
    save_entry_exits,
    save_project_workers,
    save_workers,
)
from wageguard.security.crypto import mask
from wageguard.validation import Notice, bank_card_warnings, parse_bank_card

TEAM_MISMATCH = Notice(
    "ref.team_mismatch", "班组不属于该项目或该企业", "team belongs to another project or enterprise"
)
NAME_CONFLICT = Notice(
    "identity.name_conflict",
    "同一证件号码在本文件中对应不同姓名（见第 {first} 行）",
    "the same ID number comes with another name earlier in this file (row {first})",
)
WAGE_BASIS = {"daily": "按日", "monthly": "按月", "piece": "计件"}


def _worker_fields(*, card: bool) -> tuple[FieldSpec, ...]:
    fields = (
        code(
            "idCardType",
            "证件类型 ID document type (default 01)",
            choices.ID_CARD_TYPE,
            "idCardType",
            default="01",
        ),
        id_field("idCardNumber", "证件号码 ID number", required=True, type_field="idCardType"),
    )
    if not card:
        return fields
    return (
        text("workerName", "姓名 name", required=True, max_len=64),
        flag("isTeamLeader", "是否班组长 team leader (1/0)", default=False),
        *fields,
        code("workType", "工种 work type", choices.WORK_TYPE, "workType"),
        code("workRole", "工人类型 role (10 管理人员, 20 建筑工人)", choices.WORK_ROLE, "workRole"),
        phone("cellPhone", "手机号 mobile", mobile=True),
        text("nation", "民族 ethnicity", max_len=32),
        text("address", "住址 address", max_len=300),
        FieldSpec(
            "payRollBankCardNumber",
            "bank_card",
            parse_bank_card,
            doc="工资卡号 payroll card (12-19 digits)",
            warner=bank_card_warnings,
            sensitive="id",
        ),
        text("payRollBankName", "开户行 bank name", max_len=100),
        code("payRollTopBankCode", "银行代码 bank code", choices.TOP_BANK_CODE, "payRollTopBankCode"),
        flag("hasBuyInsurance", "是否购买保险 insured (1/0)"),
        text("urgentLinkMan", "紧急联系人 emergency contact", max_len=64),
        phone("urgentLinkManPhone", "紧急联系电话 emergency phone"),
    )


def _project_workers(ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
    """Attach ``_pw`` (project worker id) to each row; a worker not registered on the project is a bad row."""
    bidxs = {r.label: ctx.protector.blind_index(id_text(r.values["idCardNumber"])) for r in rows}
    workers = ctx.worker_ids(bidxs.values())
    pairs = {(r.values["_project"].id, workers.get(bidxs[r.label])) for r in rows}
    worker_ids = sorted({w for _, w in pairs if w is not None})
    found: dict[tuple[int, int], int] = {}
    t = ProjectWorker.__table__
    for start in range(0, len(worker_ids), 5000):
        stmt = select(t.c.project_id, t.c.worker_id, t.c.id).where(
            t.c.worker_id.in_(worker_ids[start : start + 5000])
        )
        found.update({(p, w): i for p, w, i in ctx.conn.execute(stmt)})
    good = []
    for row in rows:
        pw = found.get((row.values["_project"].id, workers.get(bidxs[row.label], -1)))
        if pw is None:
            ctx.error(
                WORKER_MISSING,
                row=row.label,
                field="idCardNumber",
                value=mask(id_text(row.values["idCardNumber"])),
            )
        else:
            row.values["_pw"] = pw
            row.values["_worker"] = workers[bidxs[row.label]]
            good.append(row)
    return good


class ProjectWorkerHandler(Handler):
    spec = ObjectSpec(
        "ProjectWorker",
        "项目工人",
        (
            text("projectCode", "项目编码 project code (registered)", required=True, max_len=64, cached=True),
            uscc("corpCode", "所属企业信用代码 enterprise (registered)", required=True),
            text("teamSysNo", "班组编号 team number (this or teamName)", max_len=32, cached=True),
            text("teamName", "班组名称 team name (if no teamSysNo)", max_len=100, cached=True),
            *_worker_fields(card=True),
        ),
        list_key="workerList",
        ignored=frozenset({"corpName", "headImage"}),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return ((values["projectCode"], id_text(values["idCardNumber"])),)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        rows = resolve_corp(ctx, resolve_project(ctx, rows))
        teams = ctx.teams(r.values["teamSysNo"] for r in rows if r.values["teamSysNo"])
        good = []
        for row in rows:
            v = row.values
            team: TeamRef | None = None
            if v["teamSysNo"]:
                team = teams.get(v["teamSysNo"])
            elif v["teamName"]:
                team = ctx.team_by_name(v["_project"].id, v["_corp"], v["teamName"])
            if team is None:
                ctx.error(
                    TEAM_MISSING, row=row.label, field="teamSysNo", value=v["teamSysNo"] or v["teamName"]
                )
            elif (team.project_id, team.enterprise_id) != (v["_project"].id, v["_corp"]):
                ctx.error(
                    TEAM_MISMATCH, row=row.label, field="teamSysNo", value=v["teamSysNo"] or v["teamName"]
                )
            else:
                v["_team"] = team.id
                good.append(row)
        return _check_identities(ctx, good)

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        fresh, known = split_new(rows)
        insert_new_workers(ctx, fresh)
        if known:
            self._write_known(ctx, known)

    def _write_known(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        """Rows of stored workers (or named twice in the chunk): merged, compared and upserted.

        The person's own fields are written only where the import may (a new person, or one the actor
        owns); other rows just engage the stored person.
        """
        protect = ctx.protector
        clear: dict[str, str] = {}
        people = []
        for row in rows:
            v = row.values
            person: PersonRef | None = v["_person"]
            if person is not None and not ctx.owns(person):
                continue
            number = id_text(v["idCardNumber"])
            bidx = v["_bidx"]
            clear[bidx] = number
            people.append(
                {
                    "id_bidx": bidx,
                    "name": v["workerName"],
                    "id_card_type": v["idCardType"],
                    "gender": getattr(v["idCardNumber"], "gender", None),
                    "birth_date": getattr(v["idCardNumber"], "birth_date", None),
                    "nation": v["nation"],
                }
            )
        now = utcnow()

        def secret(row: dict[str, Any], diff: dict[str, Any] | None) -> dict[str, Any]:
            if diff is not None:
                return {"updated_at": now}
            number = clear[row["id_bidx"]]
            return {
                "id_enc": protect.encrypt(number),
                "id_masked": mask(number),
                "registered_by": ctx.actor.enterprise_id,
                "created_at": now,
                "updated_at": now,
            }

        workers = save_workers(ctx.conn, people, extra=secret) if people else {}
        for row in rows:
            person = row.values["_person"]
            if person is not None and (row.values["_bidx"],) not in workers:
                workers[(row.values["_bidx"],)] = Saved(person.id, UNCHANGED)
        _audit_identity_changes(ctx, rows, workers)
        self._write_engagements(ctx, rows, workers)

    def _write_engagements(
        self, ctx: ImportContext, rows: list[ParsedRow], workers: dict[Key, Saved]
    ) -> None:
        records, cards = [], []
        for row in rows:
            v = row.values
            worker_id = v["_worker"] = workers[(v["_bidx"],)].id
            card = v["payRollBankCardNumber"]
            card_bidx = ctx.protector.blind_index(card) if card else None
            records.append(
                {
                    "project_id": v["_project"].id,
                    "worker_id": worker_id,
                    "team_id": v["_team"],
                    "enterprise_id": v["_corp"],
                    "region_code": v["_project"].region_code,
                    "work_type": v["workType"],
                    "work_role": v["workRole"],
                    "is_team_leader": v["isTeamLeader"],
                    "has_insurance": v["hasBuyInsurance"],
                    "phone": v["cellPhone"],
                    "address": v["address"],
                    "card_bidx": card_bidx,
                }
            )
            if card:
                person: PersonRef | None = v["_person"]
                cards.append(
                    {
                        "worker_id": worker_id,
                        "card": card,
                        "card_bidx": card_bidx,
                        "bank_name": v["payRollBankName"],
                        "top_bank_code": v["payRollTopBankCode"],
                        "current": person is None or ctx.owns(person),
                    }
                )

        def encrypt(card: str) -> dict[str, Any]:
            return {"card_enc": ctx.protector.encrypt(card), "card_masked": mask(card)}

        fresh = {s.id for s in workers.values() if s.outcome == INSERTED}
        sealed = {"phone": ctx.phone_sealer, "address": ctx.address_sealer}
        saved = save_project_workers(ctx.conn, records, new_workers=fresh, sealed=sealed)
        new_cards = save_cards(ctx.conn, cards, encrypt=encrypt, new_workers=fresh)
        for row, rec in zip(rows, records, strict=True):
            outcome = saved[(rec["worker_id"], rec["project_id"])].outcome
            worker_changed = workers[(row.values["_bidx"],)].outcome != UNCHANGED
            if outcome == UNCHANGED and (worker_changed or rec["worker_id"] in new_cards):
                outcome = UPDATED
            ctx.report.count(outcome)


def _check_identities(ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
    """Attach ``_bidx`` and ``_person`` (the stored person or ``None``); refuse a row whose name differs
    from the registered one unless the actor owns the person (then it is a correction, audited), and a
    number that comes with two names in one chunk."""
    for row in rows:
        row.values["_bidx"] = ctx.protector.blind_index(id_text(row.values["idCardNumber"]))
    people = ctx.people(r.values["_bidx"] for r in rows)
    first: dict[str, tuple[str, int | str]] = {}
    good = []
    for row in rows:
        v = row.values
        bidx, name = v["_bidx"], v["workerName"]
        person = v["_person"] = people.get(bidx)
        if person is not None and not ctx.owns(person):
            if name != person.name:
                _name_mismatch(ctx, row, person)
            else:
                good.append(row)
            continue
        earlier = first.setdefault(bidx, (name, row.label))
        if person is None and earlier[0] != name:
            _name_conflict(ctx, row, earlier[1])
        else:
            good.append(row)
    return good


def _name_conflict(ctx: ImportContext, row: ParsedRow, first: int | str) -> None:
    ctx.report.errors.append(
        Problem(
            field="workerName",
            code=NAME_CONFLICT.code,
            message_zh=NAME_CONFLICT.message_zh.format(first=first),
            message_en=NAME_CONFLICT.message_en.format(first=first),
            row=row.label,
            value=mask(id_text(row.values["idCardNumber"])),
        )
    )


def _name_mismatch(ctx: ImportContext, row: ParsedRow, person: PersonRef) -> None:
    """A row error (generic for an enterprise, precise for an admin) and an audit event with the detail."""
    masked_id = mask(id_text(row.values["idCardNumber"]))
    notice = IDENTITY_UNVERIFIED if ctx.is_enterprise else IDENTITY_MISMATCH
    ctx.error(notice, row=row.label, field="workerName", value=masked_id)
    ctx.note(
        AuditEvent(
            "identity_mismatch",
            "worker",
            person.id,
            {
                "object": "ProjectWorker",
                "row": row.label,
                "field": "workerName",
                "id_masked": masked_id,
                "registered_by": person.registered_by,
                "caller_enterprise": ctx.actor.enterprise_id,
                "project": row.values["projectCode"],
                "reason_zh": IDENTITY_MISMATCH.message_zh,
                "reason_en": IDENTITY_MISMATCH.message_en,
            },
            always=True,
        )
    )


def _audit_identity_changes(ctx: ImportContext, rows: list[ParsedRow], workers: dict[Key, Saved]) -> None:
    """An audit event for each stored person whose name this (owner's or admin's) import corrects."""
    seen: set[int] = set()
    for row in rows:
        person: PersonRef | None = row.values["_person"]
        if person is None or person.id in seen or person.name == row.values["workerName"]:
            continue
        if workers[(row.values["_bidx"],)].outcome != UPDATED:
            continue
        seen.add(person.id)
        ctx.note(
            AuditEvent(
                "identity_changed",
                "worker",
                person.id,
                {
                    "object": "ProjectWorker",
                    "row": row.label,
                    "fields": ["name"],
                    "registered_by": person.registered_by,
                },
            )
        )


class EntryExitHandler(Handler):
    spec = ObjectSpec(
        "WorkerEntryExit",
        "进退场",
        (
            text("projectCode", "项目编码 project code (registered)", required=True, max_len=64, cached=True),
            *_worker_fields(card=False),
            day("date", "日期 date", required=True),
            code("type", "类型 1 进场 entry / 0 退场 exit", choices.ENTRY_EXIT_TYPE, "type", required=True),
        ),
        list_key="workerList",
        ignored=frozenset({"corpCode", "corpName", "teamSysNo", "teamName"}),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return ((values["projectCode"], id_text(values["idCardNumber"]), values["date"], values["type"]),)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        return _project_workers(ctx, resolve_project(ctx, rows))

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        records = [
            {"project_worker_id": r.values["_pw"], "date": r.values["date"], "type": r.values["type"]}
            for r in rows
        ]
        saved = save_entry_exits(ctx.conn, records)
        refresh_entry_exit_dates(ctx.conn, {key[0] for key, s in saved.items() if s.outcome == INSERTED})
        for rec in records:
            ctx.report.count(saved[(rec["project_worker_id"], rec["date"], rec["type"])].outcome)


class ContractHandler(Handler):
    spec = ObjectSpec(
        "WorkerContract",
        "劳动合同",
        (
            text("projectCode", "项目编码 project code (registered)", required=True, max_len=64, cached=True),
            uscc("corpCode", "用工企业信用代码 employer (registered)", required=True),
            *_worker_fields(card=False),
            code(
                "contractPeriodType",
                "期限类型 0 固定期限 / 1 以完成任务为期限",
                choices.CONTRACT_PERIOD_TYPE,
                "contractPeriodType",
                required=True,
            ),
            day("startDate", "开始日期 start", required=True),
            day("endDate", "结束日期 end"),
            code("unit", "计量单位 unit (80 m, 81 m², 82 m³)", choices.CONTRACT_UNIT, "unit"),
            money("unitPrice", "单价（元）unit price, yuan"),
            code("wageBasis", "本地：计薪方式 daily / monthly / piece", WAGE_BASIS, "wageBasis"),
            money("rate", "本地：工资标准（元/日、元/月或元/件）rate, yuan"),
        ),
        list_key="contractList",
        ordered=(("startDate", "endDate"),),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return (
            (values["projectCode"], id_text(values["idCardNumber"]), values["corpCode"], values["startDate"]),
        )

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        return _project_workers(ctx, resolve_corp(ctx, resolve_project(ctx, rows)))

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        records = [
            {
                "project_id": v["_project"].id,
                "worker_id": v["_worker"],
                "enterprise_id": v["_corp"],
                "start_date": v["startDate"],
                "period_type": v["contractPeriodType"],
                "end_date": v["endDate"],
                "wage_basis": v["wageBasis"],
                "rate_fen": v["rate"],
                "unit": v["unit"],
                "unit_price_fen": v["unitPrice"],
            }
            for v in (r.values for r in rows)
        ]
        saved = save_contracts(ctx.conn, records)
        for rec in records:
            key = (rec["worker_id"], rec["project_id"], rec["enterprise_id"], rec["start_date"])
            ctx.report.count(saved[key].outcome)
