"""Use cases that write money records: accounts, labour-cost terms and inflows, balances, deposits.

Pay sheets are in ``paysheets.py`` and bank payment imports in ``payments.py``; each function is one use
case, takes its dependencies by keyword and runs in the caller's ``session`` (one transaction). Who may write
which project or account is the write policy's answer (``auth/policy.py``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.policy import (
    check_account_opening,
    check_account_write,
    check_bank_writer,
    check_project_write,
    writable_project,
)
from wageguard.auth.scope import Principal
from wageguard.errors import Conflict, NotFound
from wageguard.payroll.accounts import account_info
from wageguard.payroll.banks.records import ParsedCredit, normalise_card
from wageguard.payroll.inflows import store_balances, store_credits
from wageguard.payroll.models import DepositMovement, MoneyTerms, WageAccount, WageDeposit
from wageguard.payroll.schemas import AccountIn, BalanceIn, DepositIn, InflowIn, MovementIn, TermsIn
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector, mask


def _account(session: Session, principal: Principal, protector: Protector, account_no: str) -> WageAccount:
    """The wage account numbered ``account_no`` if the write policy lets the caller write it."""
    check_bank_writer(principal)
    bidx = protector.blind_index(normalise_card(account_no))
    account = session.scalar(select(WageAccount).where(WageAccount.account_bidx == bidx))
    if account is None:
        raise NotFound("wage account not found", message_zh=f"未找到工资专用账户 {mask(account_no)}")
    try:
        check_account_write(session, principal, account.id)
    except NotFound:
        raise NotFound(
            "wage account not found", message_zh=f"未找到工资专用账户 {mask(account_no)}"
        ) from None
    return account


def open_account(
    *, session: Session, principal: Principal, protector: Protector, data: AccountIn
) -> WageAccount:
    """Register a special wage account (or a virtual sub-account of the GC's real account)."""
    project = writable_project(session, principal, data.project_code) if data.project_code else None
    parent = (
        _account(session, principal, protector, data.parent_account_no) if data.parent_account_no else None
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
    check_account_opening(
        session,
        principal,
        project=project,
        parent_account_id=parent.id if parent else None,
        region_code=region,
    )
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
    project = writable_project(session, principal, data.project_code)
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
    account = _account(session, principal, protector, data.account_no)
    info = account_info(session, account)
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
    account = _account(session, principal, protector, data.account_no)
    store_balances(session, account.id, [(data.as_of, data.balance_fen)])


def lodge_deposit(*, session: Session, principal: Principal, data: DepositIn) -> WageDeposit:
    """Record a wage guarantee deposit (cash or guarantee letter) for a project."""
    project = writable_project(session, principal, data.project_code)
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
    deposit = session.get(WageDeposit, deposit_id)
    project = session.get(Project, deposit.project_id) if deposit is not None else None
    if deposit is None or project is None:
        raise NotFound("deposit not found", message_zh="未找到工资保证金")
    try:
        check_project_write(session, principal, project)
    except NotFound:
        raise NotFound("deposit not found", message_zh="未找到工资保证金") from None
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
