"""Handlers of the organisation objects: Corp, Project, ProjectSubContractor, Team."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import Any

from wageguard.auth import policy
from wageguard.ingest.context import (
    NOT_YOUR_ENTERPRISE,
    NOT_YOUR_PROJECT,
    REGION_LOCKED,
    REGION_UNKNOWN,
    ImportContext,
)
from wageguard.ingest.handlers.base import (
    Handler,
    area,
    code,
    day,
    money,
    phone,
    resolve_corp,
    resolve_project,
    text,
    uscc,
)
from wageguard.ingest.spec import FieldSpec, ObjectSpec, ParsedRow, id_field, id_text
from wageguard.registry import choices
from wageguard.registry.service import (
    INSERTED,
    UNCHANGED,
    save_enterprises,
    save_participants,
    save_projects,
    save_teams,
)
from wageguard.security.crypto import mask
from wageguard.validation import Invalid, Notice, parse_float, parse_int, text_of

TEAM_CONFLICT = Notice(
    "team.conflict",
    "同一项目和企业下已有同名班组但编号不同",
    "a team of that name exists with another teamSysNo",
)


def _check_regions(ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
    good = []
    for row in rows:
        region = row.values.get("areaCode")
        if region is not None and not ctx.region_known(region):
            ctx.error(REGION_UNKNOWN, row=row.label, field="areaCode", value=region)
        else:
            good.append(row)
    return good


class CorpHandler(Handler):
    spec = ObjectSpec(
        "Corp",
        "企业",
        (
            uscc("corpCode", "统一社会信用代码 unified social credit code", required=True),
            text("corpName", "企业名称 name", required=True),
            text("corpType", "登记注册类型 registration type", max_len=8),
            text("legalMan", "法定代表人 legal representative", max_len=64),
            money("regCapital", "注册资本（元）registered capital, yuan"),
            day("establishDate", "成立日期 established"),
            area("areaCode", "所在地行政区划代码 GB/T 2260 region code"),
            text("address", "地址 address", max_len=300),
        ),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return (values["corpCode"],)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        rows = _check_regions(ctx, rows)
        if not ctx.is_enterprise:
            return rows
        known = ctx.corps(r.values["corpCode"] for r in rows)
        good = []
        for row in rows:
            existing = known.get(row.values["corpCode"])
            if existing is not None and existing != ctx.actor.enterprise_id:
                row.values["_foreign"] = True
            good.append(row)
        return good

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        records = [
            {
                "corp_code": v["corpCode"],
                "name": v["corpName"],
                "corp_type": v["corpType"],
                "legal_man": v["legalMan"],
                "reg_capital_fen": v["regCapital"],
                "establish_date": v["establishDate"],
                "region_code": v["areaCode"],
                "address": v["address"],
            }
            for v in (r.values for r in rows)
        ]
        saved = save_enterprises(ctx.conn, records)
        for row in rows:
            outcome = saved[(row.values["corpCode"],)].outcome
            if row.values.get("_foreign") and outcome != UNCHANGED:
                ctx.error(NOT_YOUR_ENTERPRISE, row=row.label, field="corpCode", value=row.values["corpCode"])
            ctx.report.count(outcome)


def _licence(value: Any) -> str:
    if isinstance(value, list):
        numbers = [text_of(x.get("builderLicenseNum")) for x in value if isinstance(x, dict)]
        return numbers[0] if numbers else ""
    return text_of(value)[:64]


def _pay_day(value: Any) -> int:
    return parse_int(value, low=1, high=31)


def _grace(value: Any) -> int:
    return parse_int(value, low=0, high=60)


class ProjectHandler(Handler):
    spec = ObjectSpec(
        "Project",
        "项目",
        (
            text("projectCode", "项目编码 project code", required=True, max_len=64),
            text("name", "项目名称 name", required=True),
            text("description", "项目简介 description", max_len=2000),
            code("category", "项目分类 category", choices.PROJECT_CATEGORY, "category"),
            uscc("contractorCorpCode", "总承包单位信用代码 general contractor (must be registered)"),
            uscc("buildCorpCode", "建设单位信用代码 owner (must be registered)"),
            area("areaCode", "项目所在区县 county code (GB/T 2260)", required=True),
            text("address", "地址 address", max_len=300),
            FieldSpec("lng", "number", lambda v: parse_float(v, low=-180, high=180), doc="经度 longitude"),
            FieldSpec("lat", "number", lambda v: parse_float(v, low=-90, high=90), doc="纬度 latitude"),
            money("invest", "合同金额（元）contract value, yuan"),
            day("startDate", "开工日期 start date"),
            day("completeDate", "竣工日期 completion date"),
            code("prjStatus", "项目状态 status (default 003)", choices.PROJECT_STATUS, "prjStatus"),
            text("linkMan", "联系人 contact", max_len=64),
            phone("linkPhone", "联系电话 contact phone"),
            FieldSpec("builderLicenseNum", "text", _licence, doc="施工许可证号 builder licence"),
            FieldSpec(
                "builderLicenses", "list", _licence, doc="施工许可证列表（取第一个）licences, first used"
            ),
            FieldSpec("payDay", "int 1-31", _pay_day, doc="本地：每月发薪日 local: pay day of month"),
            FieldSpec("graceDays", "int 0-60", _grace, doc="本地：允许延迟天数 local: grace days"),
            day("contractSignedDate", "本地：施工合同签订日期 local: contract signed"),
            text("labourOfficerName", "本地：劳资专管员 local: labour officer", max_len=64),
            phone("labourOfficerPhone", "本地：劳资专管员电话 local: labour officer phone"),
            day("noticeBoardDate", "本地：维权告示牌设立日期 local: notice board set up"),
        ),
        ignored=frozenset({"contractorCorpName", "buildCorpName"}),
        ordered=(("startDate", "completeDate"),),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return (values["projectCode"],)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        rows = _check_regions(ctx, rows)
        rows = resolve_corp(ctx, rows, "contractorCorpCode", "_contractor")
        rows = resolve_corp(ctx, rows, "buildCorpCode", "_build")
        known = ctx.projects(r.values["projectCode"] for r in rows)
        good = []
        for row in rows:
            v = row.values
            ref = known.get(v["projectCode"])
            allowed = (
                ctx.may_touch_project(ref.id)
                if ref
                else policy.may_create_project(ctx.actor, v["_contractor"], v["_build"])
            )
            if not allowed:
                ctx.error(NOT_YOUR_PROJECT, row=row.label, field="projectCode", value=v["projectCode"])
            elif ref and ref.region_code != v["areaCode"] and not policy.may_change_project_region(ctx.actor):
                ctx.error(REGION_LOCKED, row=row.label, field="areaCode", value=v["areaCode"])
            else:
                good.append(row)
        return good

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        records = [self._record(ctx, r.values) for r in rows]
        sealed = {"link_phone": ctx.phone_sealer, "labour_officer_phone": ctx.phone_sealer}
        saved = save_projects(ctx.conn, records, defaults={"status": "003", **ctx.defaults}, sealed=sealed)
        links = []
        for row in rows:
            v = row.values
            project_id = saved[(v["projectCode"],)].id
            ctx.note_my_project(project_id)
            for corp_type, corp_id in (("009", v["_contractor"]), ("008", v["_build"])):
                if corp_id is not None:
                    links.append({"project_id": project_id, "enterprise_id": corp_id, "corp_type": corp_type})
        linked = save_participants(ctx.conn, links)
        changed_projects = {key[0] for key, s in linked.items() if s.outcome == INSERTED}
        for row in rows:
            s = saved[(row.values["projectCode"],)]
            outcome = "updated" if s.outcome == UNCHANGED and s.id in changed_projects else s.outcome
            ctx.report.count(outcome)

    @staticmethod
    def _record(ctx: ImportContext, v: dict[str, Any]) -> dict[str, Any]:
        return {
            "project_code": v["projectCode"],
            "name": v["name"],
            "description": v["description"],
            "category": v["category"],
            "contractor_id": v["_contractor"],
            "build_corp_id": v["_build"],
            "region_code": v["areaCode"],
            "address": v["address"],
            "lng": v["lng"],
            "lat": v["lat"],
            "invest_fen": v["invest"],
            "start_date": v["startDate"],
            "complete_date": v["completeDate"],
            "status": v["prjStatus"],
            "link_man": v["linkMan"],
            "link_phone": v["linkPhone"],
            "builder_license": v["builderLicenseNum"] or v["builderLicenses"] or None,
            "pay_day": v["payDay"],
            "grace_days": v["graceDays"],
            "contract_signed_date": v["contractSignedDate"],
            "labour_officer_name": v["labourOfficerName"],
            "labour_officer_phone": v["labourOfficerPhone"],
            "notice_board_date": v["noticeBoardDate"],
        }


def _secret(ctx: ImportContext, prefix: str, clear: dict[str, str]) -> Any:
    """An ``extra`` hook adding ciphertext and masked form when the blind-indexed value is new or changed."""

    def extra(row: dict[str, Any], diff: dict[str, Any] | None) -> dict[str, Any]:
        bidx = row.get(f"{prefix}_bidx")
        if bidx is None or (diff is not None and f"{prefix}_bidx" not in diff):
            return {}
        number = clear[bidx]
        return {f"{prefix}_enc": ctx.protector.encrypt(number), f"{prefix}_masked": mask(number)}

    return extra


class SubContractorHandler(Handler):
    spec = ObjectSpec(
        "ProjectSubContractor",
        "参建单位",
        (
            text("projectCode", "项目编码 project code (registered)", required=True, max_len=64),
            uscc("corpCode", "企业信用代码 enterprise (registered)", required=True),
            code("corpType", "参建类型 participation type", choices.CORP_TYPE, "corpType", required=True),
            day("entryTime", "进场日期 entry date"),
            day("exitTime", "退场日期 exit date"),
            text("pmName", "项目经理 project manager", max_len=64),
            code(
                "pmIDCardType", "项目经理证件类型 ID type", choices.ID_CARD_TYPE, "idCardType", default="01"
            ),
            id_field("pmIDCardNumber", "项目经理证件号 ID number", type_field="pmIDCardType"),
            phone("pmPhone", "项目经理电话 phone"),
        ),
        ignored=frozenset({"corpName"}),
        ordered=(("entryTime", "exitTime"),),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        return ((values["projectCode"], values["corpCode"], values["corpType"]),)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        return resolve_corp(ctx, resolve_project(ctx, rows))

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        clear: dict[str, str] = {}
        records = []
        for row in rows:
            v = row.values
            number = id_text(v["pmIDCardNumber"]) if v["pmIDCardNumber"] is not None else None
            bidx = ctx.protector.blind_index(number) if number else None
            if number and bidx:
                clear[bidx] = number
            records.append(
                {
                    "project_id": v["_project"].id,
                    "enterprise_id": v["_corp"],
                    "corp_type": v["corpType"],
                    "entry_date": v["entryTime"],
                    "exit_date": v["exitTime"],
                    "pm_name": v["pmName"],
                    "pm_id_card_type": v["pmIDCardType"] if number else None,
                    "pm_id_bidx": bidx,
                    "pm_phone": v["pmPhone"],
                }
            )
        saved = save_participants(
            ctx.conn, records, extra=_secret(ctx, "pm_id", clear), sealed={"pm_phone": ctx.phone_sealer}
        )
        for rec in records:
            ctx.report.count(saved[(rec["project_id"], rec["enterprise_id"], rec["corp_type"])].outcome)


def generated_sys_no(project_code: str, corp_code: str, team_name: str) -> str:
    """A deterministic team number for teams imported without ``teamSysNo`` (re-imports find it again)."""
    digest = hashlib.sha1(f"{project_code}|{corp_code}|{team_name}".encode()).hexdigest()
    return f"WG{digest[:16].upper()}"


class TeamHandler(Handler):
    spec = ObjectSpec(
        "Team",
        "班组",
        (
            text("projectCode", "项目编码 project code (registered)", required=True, max_len=64),
            uscc("corpCode", "所属企业信用代码 enterprise (registered)", required=True),
            text("teamName", "班组名称 team name", required=True, max_len=100),
            text("teamSysNo", "班组编号（平台分配；缺省时自动生成）team number", max_len=32),
            text("teamLeaderName", "班组长姓名 leader name", max_len=64),
            phone("teamLeaderPhone", "班组长电话 leader phone"),
            id_field("teamLeaderIdNumber", "班组长身份证号 leader ID number"),
            day("entryTime", "进场日期 entry date"),
            day("exitTime", "退场日期 exit date"),
        ),
        ignored=frozenset({"corpName"}),
        ordered=(("entryTime", "exitTime"),),
    )

    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        by_name = ("name", values["projectCode"], values["corpCode"], values["teamName"])
        return (by_name, ("sys", values["teamSysNo"])) if values["teamSysNo"] else (by_name,)

    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        rows = resolve_corp(ctx, resolve_project(ctx, rows))
        good = []
        for row in rows:
            v = row.values
            same_name = ctx.team_by_name(v["_project"].id, v["_corp"], v["teamName"])
            if same_name is not None and v["teamSysNo"] and same_name.sys_no != v["teamSysNo"]:
                ctx.error(TEAM_CONFLICT, row=row.label, field="teamSysNo", value=v["teamSysNo"])
                continue
            if not v["teamSysNo"]:
                v["teamSysNo"] = (
                    same_name.sys_no
                    if same_name
                    else generated_sys_no(v["projectCode"], v["corpCode"], v["teamName"])
                )
            good.append(row)
        return good

    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        clear: dict[str, str] = {}
        records = []
        for row in rows:
            v = row.values
            number = id_text(v["teamLeaderIdNumber"]) if v["teamLeaderIdNumber"] is not None else None
            bidx = ctx.protector.blind_index(number) if number else None
            if number and bidx:
                clear[bidx] = number
            records.append(
                {
                    "team_sys_no": v["teamSysNo"],
                    "project_id": v["_project"].id,
                    "enterprise_id": v["_corp"],
                    "name": v["teamName"],
                    "leader_name": v["teamLeaderName"],
                    "leader_phone": v["teamLeaderPhone"],
                    "leader_id_bidx": bidx,
                    "entry_date": v["entryTime"],
                    "exit_date": v["exitTime"],
                }
            )
        saved = save_teams(
            ctx.conn,
            records,
            extra=_secret(ctx, "leader_id", clear),
            sealed={"leader_phone": ctx.phone_sealer},
        )
        for rec in records:
            ctx.report.count(saved[(rec["team_sys_no"],)].outcome)


__all__ = ["CorpHandler", "Invalid", "ProjectHandler", "SubContractorHandler", "TeamHandler"]
