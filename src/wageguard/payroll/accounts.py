"""Resolving wage accounts by number (blind index) and the projects each account pays for.

An ``AccountBook`` holds only the accounts its principal may write (``auth/policy.py``): to a bank, an
account held at another bank is exactly as unknown as an account nobody registered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.policy import writable_account_ids
from wageguard.auth.scope import Principal
from wageguard.errors import ImportRejected
from wageguard.payroll.banks.records import normalise_card, problem
from wageguard.payroll.models import WageAccount
from wageguard.security.crypto import Protector, mask


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    region_code: str
    project_id: int | None
    project_ids: frozenset[int]
    bank_code: str | None
    masked: str


def account_info(session: Session, account: WageAccount) -> AccountInfo:
    """The import view of one account, with the projects it pays for (its own and its sub-accounts')."""
    children = session.scalars(
        select(WageAccount.project_id).where(
            WageAccount.parent_account_id == account.id, WageAccount.project_id.is_not(None)
        )
    )
    own = {account.project_id} if account.project_id is not None else set()
    return AccountInfo(
        id=account.id,
        region_code=account.region_code,
        project_id=account.project_id,
        project_ids=frozenset(own | {p for p in children if p is not None}),
        bank_code=account.bank_code,
        masked=account.account_masked,
    )


class AccountBook:
    """Every wage account ``principal`` may write, loaded once per import: by blind index, with the
    projects it pays for (a real GC account pays for the projects of its virtual sub-accounts)."""

    def __init__(self, session: Session, protector: Protector, principal: Principal) -> None:
        self.protector = protector
        writable = writable_account_ids(session, principal)
        rows = session.execute(
            select(
                WageAccount.id,
                WageAccount.account_bidx,
                WageAccount.project_id,
                WageAccount.parent_account_id,
                WageAccount.region_code,
                WageAccount.bank_code,
                WageAccount.account_masked,
            )
        ).all()
        children: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            if row.parent_account_id is not None and row.project_id is not None:
                children[row.parent_account_id].add(row.project_id)
        self.by_bidx: dict[str, AccountInfo] = {}
        self._seen: dict[str, AccountInfo | None] = {}
        for row in rows:
            if writable is not None and row.id not in writable:
                continue
            own = {row.project_id} if row.project_id is not None else set()
            self.by_bidx[row.account_bidx] = AccountInfo(
                id=row.id,
                region_code=row.region_code,
                project_id=row.project_id,
                project_ids=frozenset(own | children[row.id]),
                bank_code=row.bank_code,
                masked=row.account_masked,
            )

    def get(self, account_no: str) -> AccountInfo | None:
        if account_no not in self._seen:
            self._seen[account_no] = self.by_bidx.get(self.protector.blind_index(normalise_card(account_no)))
        return self._seen[account_no]

    def require(self, account_no: str) -> AccountInfo:
        """The account or an import rejection naming it (masked)."""
        info = self.get(account_no)
        if info is None:
            prob = problem(
                None,
                "account",
                "account_unknown",
                f"账户 {mask(account_no)} 不是已登记的工资专用账户",
                f"account {mask(account_no)} is not a registered wage account",
            )
            raise ImportRejected(prob.message_en, report={"problems": [prob.as_dict()]}, problems=[prob])
        return info
