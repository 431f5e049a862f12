"""Tying bank payments to workers, set-based: one lookup per chunk by card blind index, then by name.

Order of evidence (docs/money.md):

1. the payee card is on a current pay-sheet line of the paying account's project(s): the payment settles that
   line; the worker is the line's worker and the pay month the line's month. If the card is not one of the
   worker's own registered cards, the outcome is ``other_card`` (e.g. a team leader's card on members' lines);
2. else the card is a registered worker's card: ``matched`` when the payee name is the card owner's, else
   ``other_card`` (the worker is then looked up by the payee name among the project's workers);
3. else the payee name is a unique worker of the project: ``other_card`` (a card not registered as theirs);
4. else ``unknown_payee``.

Failed and returned payments keep the worker found but take the outcome ``failed`` / ``returned``. The
month comes from the settled line, else the remark (``工资 2026年10月``, ``10月工资``, ``2026-10``), else the
value date.
A card receiving several workers' wages for one month turns those ``matched`` payments into ``other_card``
(``flag_shared_cards``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased

from wageguard.payroll.amounts import month_of, month_of_remark, previous_month
from wageguard.payroll.bulk import select_in
from wageguard.payroll.choices import MatchOutcome, PaymentStatus
from wageguard.payroll.models import BankPayment


@dataclass(frozen=True, slots=True)
class Candidate:
    """What matching needs to know of one payment."""

    project_ids: frozenset[int]
    payee_name: str
    card_bidx: str
    amount_fen: int
    value_date: date
    status: PaymentStatus
    remark: str | None


@dataclass(frozen=True, slots=True)
class Match:
    outcome: MatchOutcome
    worker_id: int | None
    line_id: int | None
    pay_month: str
    month_source: str
    project_id: int | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    id: int
    worker_id: int
    net_fen: int
    pay_month: str
    project_id: int


def _month_rank(line_month: str, remark_month: str | None, value_month: str) -> int | None:
    if remark_month is not None:
        return 0 if line_month == remark_month else None
    if line_month == previous_month(value_month):
        return 1
    if line_month == value_month:
        return 2
    return 3 if line_month < value_month else None


class Matcher:
    """Matches payments chunk by chunk; remembers pay-sheet lines already settled in this import."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.used_lines: set[int] = set()

    def _cards(self, bidxs: list[str]) -> dict[str, list[int]]:
        sql = "SELECT card_bidx, worker_id FROM bank_cards WHERE card_bidx IN ({in})"
        found: dict[str, list[int]] = defaultdict(list)
        for bidx, worker_id in select_in(self.session.connection(), sql, bidxs):
            found[bidx].append(worker_id)
        return found

    def _worker_names(self, worker_ids: set[int]) -> dict[int, str]:
        sql = "SELECT id, name FROM workers WHERE id IN ({in})"
        return {wid: name for wid, name in select_in(self.session.connection(), sql, sorted(worker_ids))}

    def _lines(self, bidxs: list[str]) -> dict[str, list[_Line]]:
        sql = (
            "SELECT l.card_bidx, l.id, l.worker_id, l.net_fen, l.pay_month, l.project_id"
            " FROM pay_sheet_lines l JOIN pay_sheets s ON s.id = l.sheet_id"
            " WHERE s.is_current = {p} AND l.card_bidx IN ({in})"
        )
        found: dict[str, list[_Line]] = defaultdict(list)
        for bidx, line_id, worker_id, net_fen, pay_month, project_id in select_in(
            self.session.connection(), sql, bidxs, before=(True,)
        ):
            found[bidx].append(_Line(line_id, worker_id, net_fen, pay_month, project_id))
        return found

    def _names(self, projects: set[int], names: set[str]) -> dict[tuple[int, str], set[int]]:
        found: dict[tuple[int, str], set[int]] = defaultdict(set)
        if not projects or not names:
            return found
        project_list = ", ".join(str(int(p)) for p in sorted(projects))
        sql = (
            "SELECT pw.project_id, w.name, w.id FROM project_workers pw JOIN workers w ON w.id = pw.worker_id"
            f" WHERE pw.project_id IN ({project_list}) AND w.name IN ({{in}})"
        )
        for project_id, name, worker_id in select_in(self.session.connection(), sql, sorted(names)):
            found[(project_id, name)].add(worker_id)
        return found

    def _pick_line(self, lines: list[_Line], c: Candidate, remark_month: str | None) -> _Line | None:
        value_month = month_of(c.value_date)
        best: tuple[tuple[int, int, int, int], _Line] | None = None
        for line in lines:
            if line.project_id not in c.project_ids:
                continue
            rank = _month_rank(line.pay_month, remark_month, value_month)
            if rank is None:
                continue
            key = (
                int(line.id in self.used_lines),
                rank,
                int(line.net_fen != c.amount_fen),
                -int(line.pay_month.replace("-", "")),
            )
            if best is None or key < best[0]:
                best = (key, line)
        return None if best is None else best[1]

    def match_chunk(self, chunk: list[Candidate]) -> list[Match]:
        """One match per candidate, in order, with a few set-based lookups for the whole chunk."""
        bidxs = sorted({c.card_bidx for c in chunk})
        card_workers, lines = self._cards(bidxs), self._lines(bidxs)
        lineless = {c.card_bidx for c in chunk if c.card_bidx not in lines}
        names = self._worker_names({w for b in lineless for w in card_workers.get(b, ())})
        cards = {b: [(w, names.get(w, "")) for w in ws] for b, ws in card_workers.items()}
        name_needed = {c.payee_name for c in chunk if c.card_bidx not in lines or c.card_bidx not in cards}
        projects = {p for c in chunk for p in c.project_ids}
        by_name = self._names(projects, name_needed)
        return [self._decide(c, cards, lines, by_name) for c in chunk]

    def _by_name(self, c: Candidate, names: dict[tuple[int, str], set[int]]) -> int | None:
        ids = {w for p in c.project_ids for w in names.get((p, c.payee_name), ())}
        return ids.pop() if len(ids) == 1 else None

    def _decide(
        self,
        c: Candidate,
        cards: dict[str, list[tuple[int, str]]],
        lines: dict[str, list[_Line]],
        names: dict[tuple[int, str], set[int]],
    ) -> Match:
        remark_month = month_of_remark(c.remark, c.value_date)
        owners = cards.get(c.card_bidx, [])
        line = self._pick_line(lines.get(c.card_bidx, []), c, remark_month)
        worker_id: int | None
        if line is not None:
            self.used_lines.add(line.id)
            own = any(w == line.worker_id for w, _ in owners)
            outcome = MatchOutcome.MATCHED if own else MatchOutcome.OTHER_CARD
            worker_id, month, source = line.worker_id, line.pay_month, "pay_sheet"
        else:
            month, source = (
                (remark_month, "remark") if remark_month else (month_of(c.value_date), "value_date")
            )
            worker_id, outcome = self._by_card_or_name(c, owners, names)
        if c.status is PaymentStatus.FAILED:
            outcome = MatchOutcome.FAILED
        elif c.status is PaymentStatus.RETURNED:
            outcome = MatchOutcome.RETURNED
        if line is None:
            return Match(outcome, worker_id, None, month, source)
        return Match(outcome, worker_id, line.id, month, source, line.project_id)

    def _by_card_or_name(
        self, c: Candidate, owners: list[tuple[int, str]], names: dict[tuple[int, str], set[int]]
    ) -> tuple[int | None, MatchOutcome]:
        named = [w for w, name in owners if name == c.payee_name]
        if named and len({w for w, _ in owners}) == 1:
            return named[0], MatchOutcome.MATCHED
        if named:
            return named[0], MatchOutcome.OTHER_CARD
        by_name = self._by_name(c, names)
        if owners or by_name is not None:
            return by_name, MatchOutcome.OTHER_CARD
        return None, MatchOutcome.UNKNOWN_PAYEE


def flag_shared_cards(session: Session, batch_id: int) -> int:
    """Turn ``matched`` payments on the cards this import paid into ``other_card`` where the card received
    the wages of another worker for the same month (one card collecting several workers' wages) — earlier
    imports' payments on those cards included, so the order the bank reports them in does not matter."""
    other = aliased(BankPayment)
    in_batch = aliased(BankPayment)
    batch_cards = select(in_batch.payee_card_bidx).where(in_batch.import_batch_id == batch_id)
    shared = exists().where(
        and_(
            other.payee_card_bidx == BankPayment.payee_card_bidx,
            other.pay_month == BankPayment.pay_month,
            other.worker_id.is_not(None),
            other.worker_id != BankPayment.worker_id,
        )
    )
    result = session.execute(
        update(BankPayment)
        .where(
            BankPayment.payee_card_bidx.in_(batch_cards),
            BankPayment.outcome == MatchOutcome.MATCHED.value,
            shared,
        )
        .values(outcome=MatchOutcome.OTHER_CARD.value)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
