"""Pydantic shapes of the money API: inputs (national field names for pay sheets) and outputs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from wageguard.bounds import Text
from wageguard.payroll.choices import DepositKind, DepositMovementKind

YuanValue = str | int | float


class AccountIn(BaseModel):
    """A special wage account, or a virtual sub-account of a real one (``parent_account_no``)."""

    account_no: str = Field(min_length=6, max_length=40)
    project_code: str | None = None
    parent_account_no: str | None = None
    region_code: str | None = None
    bank_code: str | None = None
    bank_name: str | None = None
    account_name: str | None = None
    opened_date: date | None = None
    tripartite_date: date | None = None


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int | None
    parent_account_id: int | None
    region_code: str
    bank_code: str | None
    bank_name: str | None
    account_name: str | None
    account_masked: str
    is_virtual: bool
    opened_date: date | None
    tripartite_date: date | None


class InflowIn(BaseModel):
    account_no: str
    value_date: date
    amount_fen: int = Field(gt=0)
    payer_name: str | None = None
    progress_ref: str | None = None
    progress_amount_fen: int | None = Field(default=None, ge=0)
    bank_reference: str | None = None


class BalanceIn(BaseModel):
    account_no: str
    as_of: date
    balance_fen: int


class TermsIn(BaseModel):
    project_code: str
    labour_cost_ratio_bp: int | None = Field(default=None, ge=0, le=10000)
    payment_cycle_days: int = Field(default=30, ge=1, le=31)
    deposit_ratio_bp: int | None = Field(default=None, ge=0, le=10000)
    contract_value_fen: int | None = Field(default=None, ge=0)


class DepositIn(BaseModel):
    project_code: str
    kind: DepositKind
    amount_fen: int = Field(gt=0)
    deposit_date: date
    required_ratio_bp: int | None = Field(default=None, ge=0, le=10000)
    bank_name: str | None = None
    letter_no: str | None = None
    expiry_date: date | None = None


class MovementIn(BaseModel):
    kind: DepositMovementKind
    movement_date: date
    amount_fen: int = Field(gt=0)
    reason: str | None = None


class PayrollDetailIn(BaseModel):
    """One worker's line in the national ``Payroll.detailList`` (amounts in yuan)."""

    idCardType: str = "01"
    idCardNumber: str
    days: float | None = None
    workHours: float | None = None
    payRollBankCardNumber: str | None = None
    payRollBankCode: str | None = None
    payRollBankName: str | None = None
    payBankCardNumber: str | None = None
    payBankCode: str | None = None
    payBankName: str | None = None
    totalPayAmount: YuanValue
    actualAmount: YuanValue
    isBackPay: int | bool | str = 0
    balanceDate: date | str | None = None
    thirdPayRollCode: str | None = None


class PayrollIn(BaseModel):
    """The national ``Payroll`` object: one team's pay sheet for one month."""

    projectCode: Text
    corpCode: Text | None = None
    corpName: Text | None = None
    teamSysNo: Text
    payMonth: Text
    detailList: list[PayrollDetailIn] = Field(min_length=1)


def _one_or_many(value: Any) -> Any:
    """One ``Payroll`` object stands for a list of one (so errors are located as in a list: sheet 1)."""
    return [value] if isinstance(value, dict) else value


PayrollsIn = Annotated[list[PayrollIn], BeforeValidator(_one_or_many)]
"""Pay sheets as sent: one national ``Payroll`` object or a list of them (HTTP body, JSON file)."""


class BankPaymentIn(BaseModel):
    """One payment a bank pushes (amount in yuan text, as banks report it)."""

    reference: str | None = None
    payee_name: str
    payee_card: str
    amount: YuanValue
    value_date: date | str
    status: str
    failure_reason: str | None = None
    remark: str | None = None
    payee_bank: str | None = None
    end_to_end_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("end_to_end_id", "EndToEndId"),
        description="the payer's EndToEndId (a pain.001 batch's): a later report of the payment links to it",
    )
    line_ref: str | None = Field(
        default=None,
        validation_alias=AliasChoices("line_ref", "thirdPayRollCode"),
        description="the pay-sheet line code (thirdPayRollCode) the payment pays",
    )


class BankPushIn(BaseModel):
    account_no: str
    payments: list[BankPaymentIn] = Field(min_length=1, max_length=50_000)
