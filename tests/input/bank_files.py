"""Hostile and real-world bank files for the input-boundary tests, and what the database holds afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from wageguard.db import Database
from wageguard.ingest.models import ImportBatch
from wageguard.payroll.models import AccountBalance, BankPayment, LabourCostInflow

ICBC_HEAD = "流水号,付款账号,收款人户名,收款账号,收款银行,金额,交易日期,状态,失败原因,摘要"


@dataclass(frozen=True)
class Stored:
    payments: int
    inflows: int
    balances: int


def stored(db: Database) -> Stored:
    with db.sessions() as s:

        def count(model: type) -> int:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

        return Stored(count(BankPayment), count(LabourCostInflow), count(AccountBalance))


NOTHING = Stored(0, 0, 0)


def bank_batches(db: Database) -> list[tuple[str, int]]:
    """(status, error_count) of every bank import record, oldest first."""
    with db.sessions() as s:
        rows = s.execute(
            select(ImportBatch.status, ImportBatch.error_count)
            .where(ImportBatch.object_name == "bank_payments")
            .order_by(ImportBatch.id)
        )
        return [(r.status, r.error_count) for r in rows]


def icbc_csv(path: Path, account: str, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """An ICBC-style result CSV written as raw text (no csv quoting), so hostile cells stay as given."""
    lines = [ICBC_HEAD, *(",".join(cells) for cells in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def icbc_row(
    account: str, name: str, card: str, amount: str = "100.00", day: str = "2026-11-10"
) -> list[str]:
    return ["R1", account, name, card, "农行", amount, day, "成功", "", "10月工资"]


# The shape of a public camt.053.001.02 sample statement: dates written as ISODate with a time-zone offset
# (``2017-04-01+02:00``), times as ISODateTime with an offset, a transaction summary, an opening and a
# closing balance, one owner credit and one batch debit with its transaction details.
CAMT053_OFFSETS = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>STMT-20170401-0001</MsgId>
      <CreDtTm>2017-04-01T22:15:03.000+02:00</CreDtTm>
      <MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn>
    </GrpHdr>
    <Stmt>
      <Id>STMT-20170401-0001-1</Id>
      <ElctrncSeqNb>91</ElctrncSeqNb>
      <CreDtTm>2017-04-01T22:15:03.000+02:00</CreDtTm>
      <FrToDt>
        <FrDtTm>2017-04-01T00:00:00.000+02:00</FrDtTm>
        <ToDtTm>2017-04-01T23:59:59.999+02:00</ToDtTm>
      </FrToDt>
      <Acct>
        <Id><Othr><Id>{account}</Id></Othr></Id>
        <Ccy>CNY</Ccy>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CNY">1000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2017-04-01+02:00</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="CNY">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2017-04-01+02:00</Dt></Dt>
      </Bal>
      <TxsSummry>
        <TtlNtries><NbOfNtries>{entries}</NbOfNtries></TtlNtries>
      </TxsSummry>
      <Ntry>
        <Amt Ccy="CNY">20000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2017-04-01+02:00</Dt></BookgDt>
        <ValDt><Dt>2017-04-01+02:00</Dt></ValDt>
        <AcctSvcrRef>IN-20170401-1</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <RltdPties><Dbtr><Nm>铜仁市城投公司</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>进度款第1期</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">{batch_total}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>{booked}</DtTm></BookgDt>
        <ValDt><Dt>{value_date}</Dt></ValDt>
        <AcctSvcrRef>OUT-20170401-1</AcctSvcrRef>
        <NtryDtls>
          <Btch><NbOfTxs>{batch_count}</NbOfTxs></Btch>
          <TxDtls>
            <Refs><EndToEndId>SAL-1</EndToEndId></Refs>
            <Amt Ccy="CNY">{amount}</Amt>
            <RltdPties>
              <Cdtr><Nm>{name}</Nm></Cdtr>
              <CdtrAcct><Id><Othr><Id>{card}</Id></Othr></Id></CdtrAcct>
            </RltdPties>
            <RmtInf><Ustrd>工资 2017年3月</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def camt053_offsets(
    path: Path,
    *,
    account: str,
    name: str,
    card: str,
    amount: str = "5000.00",
    value_date: str = "2017-04-01+02:00",
    booked: str = "2017-04-01T10:30:00.000+02:00",
    batch_count: str = "1",
    entries: str = "2",
    closing: str = "16000.00",
    encoding: str = "UTF-8",
) -> Path:
    text = CAMT053_OFFSETS.format(
        account=account,
        name=name,
        card=card,
        amount=amount,
        batch_total=amount,
        value_date=value_date,
        booked=booked,
        batch_count=batch_count,
        entries=entries,
        closing=closing,
    )
    if encoding != "UTF-8":
        text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    path.write_bytes(text.encode("utf-8" if encoding == "UTF-8" else encoding))
    return path


def nested_xml(depth: int) -> bytes:
    """A camt.053 root with ``depth`` nested elements inside its statement."""
    inner = "<X>" * depth + "</X>" * depth
    return (
        '<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt>' + inner + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()
