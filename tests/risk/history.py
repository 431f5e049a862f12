"""Small builders of the rows the scorecard reads: feed records and the platform's own history (alerts,
complaints, bank payments, labour-cost inflows), written straight into their tables with only the columns
the features read filled meaningfully."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from wageguard.complaints.models import Complaint
from wageguard.monitoring.models import Alert
from wageguard.payroll.models import BankPayment, LabourCostInflow, WageAccount
from wageguard.registry.models import Project
from wageguard.risk.models import (
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskTaxYear,
)

_SEQ = count(1)


def tax_year(session: Session, enterprise_id: int, year: int, rating: str, arrears_fen: int = 0) -> None:
    session.add(
        RiskTaxYear(
            enterprise_id=enterprise_id,
            tax_year=year,
            rating=rating,
            arrears_fen=arrears_fen,
            content_sha256="x",
        )
    )


def registration(
    session: Session,
    enterprise_id: int,
    established: date | None,
    reg_fen: int | None,
    paid_in_fen: int | None,
) -> None:
    session.add(
        RiskRegistration(
            enterprise_id=enterprise_id,
            establish_date=established,
            reg_capital_fen=reg_fen,
            paid_in_capital_fen=paid_in_fen,
            content_sha256="x",
        )
    )


def credit(
    session: Session,
    enterprise_id: int,
    kind: str,
    on: date,
    end: date | None = None,
    amount_fen: int | None = None,
) -> None:
    session.add(
        RiskCreditEvent(
            enterprise_id=enterprise_id, kind=kind, event_date=on, end_date=end, amount_fen=amount_fen
        )
    )


def contract(session: Session, project: Project, owner_id: int, payments: list[tuple[Any, ...]]) -> None:
    """``payments``: (due date, due fen, paid date or None, paid fen or None)."""
    row = RiskContract(
        project_id=project.id,
        owner_id=owner_id,
        region_code=project.region_code,
        contract_fen=10**10,
        content_sha256="x",
    )
    session.add(row)
    session.flush()
    for i, (due, due_fen, paid, paid_fen) in enumerate(payments):
        session.add(
            RiskContractPayment(
                contract_id=row.id,
                project_id=project.id,
                stage=f"s{i}",
                due_date=due,
                due_fen=due_fen,
                paid_date=paid,
                paid_fen=paid_fen,
            )
        )


def alert(
    session: Session,
    project: Project,
    level: str,
    first_seen: date,
    cleared: date | None = None,
    rule: str = "W06",
) -> None:
    n = next(_SEQ)
    session.add(
        Alert(
            rule_code=rule,
            level=level,
            subject_type="project",
            subject_id=project.id,
            subject_key=f"project:{project.id}#{n}",
            period="",
            project_id=project.id,
            region_code=project.region_code,
            evidence={},
            evidence_hash="h",
            first_seen_on=first_seen,
            last_changed_on=first_seen,
            cleared_on=cleared,
            still_holds=cleared is None,
        )
    )


def complaint(session: Session, project: Project, received: date) -> None:
    n = next(_SEQ)
    session.add(
        Complaint(
            tracking_code=f"TS{n:010d}",
            idem_token=f"idem-{n}",
            project_id=project.id,
            region_code=project.region_code,
            name="投诉人",
            id_enc=b"x",
            id_bidx=f"id{n}",
            id_masked="5222**********0000",
            phone_enc=b"x",
            phone_bidx=f"ph{n}",
            phone_masked="138****0000",
            employer="某公司",
            work_start=date(2026, 1, 1),
            months_owed=1,
            amount_owed_fen=100_000,
            workers_affected=1,
            received_at=datetime(received.year, received.month, received.day, 2),
            received_date=received,
            accept_due=received,
        )
    )


def account(session: Session, project: Project) -> int:
    n = next(_SEQ)
    row = WageAccount(
        project_id=project.id,
        region_code=project.region_code,
        account_enc=b"x",
        account_bidx=f"acct{n}",
        account_masked="6222**0000",
    )
    session.add(row)
    session.flush()
    return row.id


def payment(
    session: Session,
    project: Project,
    account_id: int,
    pay_month: str,
    value_date: date,
    outcome: str = "matched",
) -> None:
    n = next(_SEQ)
    session.add(
        BankPayment(
            account_id=account_id,
            project_id=project.id,
            region_code=project.region_code,
            natural_key=f"r:{n}",
            payee_name="工人",
            payee_card_enc=b"x",
            payee_card_bidx=f"card{n}",
            payee_card_masked="6222**1111",
            amount_fen=500_000,
            value_date=value_date,
            status="success",
            pay_month=pay_month,
            month_source="remark",
            outcome=outcome,
        )
    )


def inflow(session: Session, project: Project, account_id: int, value_date: date) -> None:
    n = next(_SEQ)
    session.add(
        LabourCostInflow(
            account_id=account_id,
            project_id=project.id,
            region_code=project.region_code,
            value_date=value_date,
            amount_fen=1_000_000,
            natural_key=f"i:{n}",
        )
    )
