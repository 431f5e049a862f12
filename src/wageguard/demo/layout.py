"""Columns of each exchange-format file and how a planned object becomes a row of it.

The column names are the national standard's field names as documented in docs/formats.md; CSV flattens the
nested lists (``workerList``, ``contractList``), repeating the parent's fields on every row.
"""

from __future__ import annotations

from collections.abc import Iterator

from wageguard.demo.city import CityPlan, Corp, ProjectPlan, TeamPlan
from wageguard.demo.workers import Member

IMPORT_ORDER = (
    "Corp",
    "Project",
    "ProjectSubContractor",
    "Team",
    "ProjectWorker",
    "WorkerEntryExit",
    "WorkerContract",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "Corp": (
        "corpCode", "corpName", "corpType", "legalMan", "regCapital", "establishDate", "areaCode", "address",
    ),
    "Project": (
        "projectCode", "name", "description", "category", "contractorCorpCode", "contractorCorpName",
        "buildCorpCode", "buildCorpName", "areaCode", "address", "lng", "lat", "invest", "startDate",
        "completeDate", "prjStatus", "linkMan", "linkPhone", "builderLicenseNum", "payDay", "graceDays",
        "contractSignedDate", "labourOfficerName", "labourOfficerPhone", "noticeBoardDate",
    ),
    "ProjectSubContractor": (
        "projectCode", "corpCode", "corpName", "corpType", "entryTime", "exitTime", "pmName", "pmIDCardType",
        "pmIDCardNumber", "pmPhone",
    ),
    "Team": (
        "projectCode", "corpCode", "corpName", "teamName", "teamSysNo", "teamLeaderName", "teamLeaderPhone",
        "teamLeaderIdNumber", "entryTime", "exitTime",
    ),
    "ProjectWorker": (
        "projectCode", "corpCode", "corpName", "teamSysNo", "teamName", "workerName", "isTeamLeader",
        "idCardType", "idCardNumber", "workType", "workRole", "cellPhone", "nation", "address",
        "payRollBankCardNumber", "payRollBankName", "payRollTopBankCode", "hasBuyInsurance", "urgentLinkMan",
        "urgentLinkManPhone",
    ),
    "WorkerEntryExit": ("projectCode", "corpCode", "teamSysNo", "idCardType", "idCardNumber", "date", "type"),
    "WorkerContract": (
        "projectCode", "corpCode", "idCardType", "idCardNumber", "contractPeriodType", "startDate", "endDate",
        "unit", "unitPrice", "wageBasis", "rate",
    ),
}  # fmt: skip
# Corp.corpType is the registration type (登记注册类型, national statistics codes), not the participation.
STATE_OWNED, PRIVATE_LIMITED = "151", "173"  # 国有独资公司, 私营有限责任公司
ID_CARD = "01"  # 居民身份证


def _registration_type(corp: Corp) -> str:
    """State-owned for owners' investment companies and the big groups, private for the rest; none for 局."""
    if corp.name.endswith("局"):
        return ""
    if corp.role == "owner" or corp.name.startswith(("贵州建工", "中铁", "中国", "贵州省公路")):
        return STATE_OWNED
    return PRIVATE_LIMITED


def corp_rows(plan: CityPlan) -> Iterator[dict[str, str]]:
    for corp in plan.corps:
        yield {
            "corpCode": corp.code,
            "corpName": corp.name,
            "corpType": _registration_type(corp),
            "legalMan": corp.legal_man,
            "regCapital": str(corp.reg_capital),
            "establishDate": corp.established.isoformat(),
            "areaCode": corp.area_code,
            "address": corp.address,
        }


def project_row(p: ProjectPlan) -> dict[str, str]:
    return {
        "projectCode": p.code,
        "name": p.name,
        "description": f"{p.name}，总投资约{p.invest // 10_000}万元",
        "category": p.category,
        "contractorCorpCode": p.gc.code,
        "contractorCorpName": p.gc.name,
        "buildCorpCode": p.owner.code,
        "buildCorpName": p.owner.name,
        "areaCode": p.county.code,
        "address": p.address,
        "lng": f"{p.lng:.6f}",
        "lat": f"{p.lat:.6f}",
        "invest": str(p.invest),
        "startDate": p.start.isoformat(),
        "completeDate": p.complete.isoformat(),
        "prjStatus": p.status,
        "linkMan": p.link_man.name,
        "linkPhone": p.link_man.phone,
        "builderLicenseNum": f"{p.county.code}{p.start:%Y%m%d}0101",
        "payDay": str(p.pay_day),
        "graceDays": str(p.grace_days),
        "contractSignedDate": p.contract_signed.isoformat(),
        "labourOfficerName": p.labour_officer.name,
        "labourOfficerPhone": p.labour_officer.phone,
        "noticeBoardDate": p.notice_board.isoformat(),
    }


def participant_rows(p: ProjectPlan) -> Iterator[dict[str, str]]:
    roles = [(p.owner, "008"), (p.gc, "009")] + [(c, "001") for c in p.subs] + [(c, "006") for c in p.labour]
    for corp, corp_type in roles:
        pm = p.pm.get(corp.code)
        yield {
            "projectCode": p.code,
            "corpCode": corp.code,
            "corpName": corp.name,
            "corpType": corp_type,
            "entryTime": p.start.isoformat(),
            "exitTime": p.complete.isoformat() if p.status == "004" else "",
            "pmName": pm.name if pm else "",
            "pmIDCardType": ID_CARD if pm else "",
            "pmIDCardNumber": pm.id_number if pm else "",
            "pmPhone": pm.phone if pm else "",
        }


def team_row(p: ProjectPlan, team: TeamPlan, leader: Member) -> dict[str, str]:
    return {
        "projectCode": p.code,
        "corpCode": team.corp.code,
        "corpName": team.corp.name,
        "teamName": team.name,
        "teamSysNo": team.sys_no,
        "teamLeaderName": leader.person.name,
        "teamLeaderPhone": leader.person.phone,
        "teamLeaderIdNumber": leader.person.id_number,
        "entryTime": leader.entry.isoformat(),
        "exitTime": leader.exit.isoformat() if leader.exit else "",
    }


def worker_row(p: ProjectPlan, team: TeamPlan, m: Member) -> dict[str, str]:
    return {
        "projectCode": p.code,
        "corpCode": team.corp.code,
        "corpName": team.corp.name,
        "teamSysNo": team.sys_no,
        "teamName": team.name,
        "workerName": m.person.name,
        "isTeamLeader": "1" if m.leader else "0",
        "idCardType": ID_CARD,
        "idCardNumber": m.person.id_number,
        "workType": m.work_type,
        "workRole": "10" if team.management else "20",
        "cellPhone": m.person.phone,
        "nation": m.person.nation,
        "address": m.person.address,
        "payRollBankCardNumber": m.card.number,
        "payRollBankName": m.card.bank_name,
        "payRollTopBankCode": m.card.top_bank_code,
        "hasBuyInsurance": "1" if m.insured else "0",
        "urgentLinkMan": m.urgent[0],
        "urgentLinkManPhone": m.urgent[1],
    }


def entry_exit_rows(p: ProjectPlan, team: TeamPlan, m: Member) -> Iterator[dict[str, str]]:
    base = {
        "projectCode": p.code,
        "corpCode": team.corp.code,
        "teamSysNo": team.sys_no,
        "idCardType": ID_CARD,
    }
    yield {**base, "idCardNumber": m.person.id_number, "date": m.entry.isoformat(), "type": "1"}
    if m.exit is not None:
        yield {**base, "idCardNumber": m.person.id_number, "date": m.exit.isoformat(), "type": "0"}


def contract_row(p: ProjectPlan, team: TeamPlan, m: Member) -> dict[str, str]:
    base = {"projectCode": p.code, "corpCode": team.corp.code, "idCardType": ID_CARD}
    return {**base, "idCardNumber": m.person.id_number, **m.contract}
