"""Use cases that write money records: accounts, labour-cost terms and inflows, balances, deposits.

Pay sheets are in ``paysheets.py`` and bank payment imports in ``payments.py``; each function is one use
case, takes its dependencies by keyword and runs in the caller's ``session`` (one transaction).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.errors import Conflict, Forbidden, NotFound
from wageguard.payroll.accounts import AccountBook
from wageguard.payroll.banks.records import ParsedCredit, normalise_card
from wageguard.payroll.inflows import store_balances, store_credits
from wageguard.payroll.models import DepositMovement, MoneyTerms, WageAccount, WageDeposit
from wageguard.payroll.schemas import AccountIn, BalanceIn, DepositIn, InflowIn, MovementIn, TermsIn
from wageguard.registry.choices import Role
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector, mask


def project_in_scope(session: Session, principal: Principal, project_code: str) -> Project:
    """The project with ``project_code`` if the caller may act on it, else ``NotFound``."""
    project = session.scalar(
        select(Project).where(
            Project.project_code == project_code, principal.project_clause(Project.id, Project.region_code)
        )
    )
    if project is None:
        raise NotFound(f"project {project_code} not found", message_zh=f"未找到项目 {project_code}")
    return project


def account_in_scope(
    session: Session, principal: Principal, protector: Protector, account_no: str
) -> WageAccount:
    """The wage account numbered ``account_no`` if the caller may act on it."""
    bidx = protector.blind_index(normalise_card(account_no))
    account = session.scalar(select(WageAccount).where(WageAccount.account_bidx == bidx))
    if account is None:
        raise NotFound("wage account not found", message_zh=f"未找到工资专用账户 {mask(account_no)}")
    if principal.role is Role.BANK:
        if principal.bank_code and account.bank_code and principal.bank_code != account.bank_code:
            raise Forbidden("account held at another bank", message_zh="该账户不属于本银行")
        return account
    visible = session.scalar(
        select(WageAccount.id).where(
            WageAccount.id == account.id,
            principal.project_clause(WageAccount.project_id, WageAccount.region_code),  # type: ignore[arg-type]
        )
    )
    if visible is None and not (
        principal.role is Role.ENTERPRISE and account.enterprise_id == principal.enterprise_id
    ):
        raise NotFound("wage account not found", message_zh=f"未找到工资专用账户 {mask(account_no)}")
    return account


def open_account(
    *, session: Session, principal: Principal, protector: Protector, data: AccountIn
) -> WageAccount:
    """Register a special wage account (or a virtual sub-account of the GC's real account)."""
    project = project_in_scope(session, principal, data.project_code) if data.project_code else None
    parent = (
        account_in_scope(session, principal, protector, data.parent_account_no)
        if data.parent_account_no
        else None
    )
    if parent is not None and project is None:
        raise Conflict("a sub-account names its project", message_zh="虚拟子账户必须指定项目")
    number = normalise_card(data.account_no)
    bidx = protector.blind_index(number)
    if session.scalar(select(WageAccount.id).where(WageAccount.account_bidx == bidx)) is not None:
        raise Conflict("account already registered", message_zh=f"账户 {mask(number)} 已登记")
    region = (
        project.region_code if project else (data.region_code or (parent.region_code if parent else None))
    )
    if region is None:
        raise Conflict("an account without a project needs a region", message_zh="未关联项目的账户须指定地区")
    account = WageAccount(
        project_id=project.id if project else None,
        parent_account_id=parent.id if parent else None,
        enterprise_id=project.contractor_id if project else principal.enterprise_id,
        region_code=region,
        bank_code=data.bank_code or (parent.bank_code if parent else None),
        bank_name=data.bank_name or (parent.bank_name if parent else None),
        account_name=data.account_name,
        account_enc=protector.encrypt(number),
        account_bidx=bidx,
        account_masked=mask(number),
        is_virtual=parent is not None,
        opened_date=data.opened_date,
        tripartite_date=data.tripartite_date or (parent.tripartite_date if parent else None),
    )
    session.add(account)
    session.flush()
    return account


def set_money_terms(*, session: Session, principal: Principal, data: TermsIn) -> MoneyTerms:
    """Record (or replace) a project's labour-cost ratio, payment cycle and deposit ratio."""
    project = project_in_scope(session, principal, data.project_code)
    terms = session.scalar(select(MoneyTerms).where(MoneyTerms.project_id == project.id))
    if terms is None:
        terms = MoneyTerms(project_id=project.id)
        session.add(terms)
    terms.labour_cost_ratio_bp = data.labour_cost_ratio_bp
    terms.payment_cycle_days = data.payment_cycle_days
    terms.deposit_ratio_bp = data.deposit_ratio_bp
    terms.contract_value_fen = (
        data.contract_value_fen if data.contract_value_fen is not None else project.invest_fen
    )
    session.flush()
    return terms


def record_inflow(*, session: Session, principal: Principal, protector: Protector, data: InflowIn) -> int:
    """Record a labour-cost transfer into a wage account; returns 1 if new, 0 if already recorded."""
    account_in_scope(session, principal, protector, data.account_no)
    info = AccountBook(session, protector).require(data.account_no)
    credit = ParsedCredit(
        row=1,
        amount_fen=data.amount_fen,
        value_date=data.value_date,
        payer_name=data.payer_name,
        reference=data.bank_reference,
        remark=data.progress_ref,
        progress_amount_fen=data.progress_amount_fen,
    )
    return store_credits(session, info, [credit])


def record_balance(*, session: Session, principal: Principal, protector: Protector, data: BalanceIn) -> None:
    """Record the balance a bank reports for an account on a day (the latest report of a day wins)."""
    account = account_in_scope(session, principal, protector, data.account_no)
    store_balances(session, account.id, [(data.as_of, data.balance_fen)])


def lodge_deposit(*, session: Session, principal: Principal, data: DepositIn) -> WageDeposit:
    """Record a wage guarantee deposit (cash or guarantee letter) for a project."""
    project = project_in_scope(session, principal, data.project_code)
    deposit = WageDeposit(
        project_id=project.id,
        enterprise_id=project.contractor_id,
        region_code=project.region_code,
        kind=data.kind.value,
        amount_fen=data.amount_fen,
        deposit_date=data.deposit_date,
        required_ratio_bp=data.required_ratio_bp,
        bank_name=data.bank_name,
        letter_no=data.letter_no,
        expiry_date=data.expiry_date,
    )
    session.add(deposit)
    session.flush()
    return deposit


def move_deposit(
    *, session: Session, principal: Principal, deposit_id: int, data: MovementIn
) -> DepositMovement:
    """Record a use of a deposit (to pay arrears) or a top-up."""
    deposit = session.scalar(
        select(WageDeposit).where(
            WageDeposit.id == deposit_id,
            principal.project_clause(WageDeposit.project_id, WageDeposit.region_code),
        )
    )
    if deposit is None:
        raise NotFound("deposit not found", message_zh="未找到工资保证金")
    movement = DepositMovement(
        deposit_id=deposit.id,
        kind=data.kind.value,
        movement_date=data.movement_date,
        amount_fen=data.amount_fen,
        reason=data.reason,
    )
    session.add(movement)
    session.flush()
    return movement
