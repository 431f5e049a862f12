"""Tying bank payments to workers, set-based: one lookup per chunk by reference, then card, then name.

Order of evidence (docs/money.md); ``match_key`` records which one decided:

1. ``reference``: the record carries a pay-sheet line code (the line's ``thirdPayRollCode``) as its
   EndToEndId/InstrId or in a profile's reference column (the whole text or one word of it) and that code is
   on a current line of the paying account's project(s): the payment belongs to that line's worker and month
   whatever card it reached — ``matched`` when the card is one of the worker's registered cards, else
   ``other_card`` (e.g. a member's wages on the team leader's card);
2. ``line_card``: the payee card is on a current pay-sheet line of the project(s): the payment settles that
   line; the worker is the line's worker and the pay month the line's month; ``other_card`` when the card is
   not one of the worker's own registered cards;
3. ``card``: the card is a registered worker's card: ``matched`` when the payee name is the card owner's,
   else ``other_card`` with the worker looked up by the payee name among the project's workers (``name``);
4. ``name``: the payee name is a unique worker of the project: ``other_card`` (a card not registered as
   theirs);
5. else ``unknown_payee`` (no key).

Failed and returned payments keep the worker found but take the outcome ``failed`` / ``returned``. The
month comes from the settled line, else the remark (``工资 2026年10月``, ``10月工资``, ``2026-10``), else the
value date.
A card receiving several workers' wages for one month turns those ``matched`` payments into ``other_card``
(``flag_shared_cards``), whichever projects and imports they came from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
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
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    outcome: MatchOutcome
    worker_id: int | None
    line_id: int | None
    pay_month: str
    month_source: str
    project_id: int | None = None
    key: str | None = None
    line_ref: str | None = None


_WORD = re.compile(r"[\s,，;；:：/、|]+")
MAX_REF_WORDS = 6


def reference_keys(texts: Iterable[str | None]) -> tuple[str, ...]:
    """The codes a bank record's references may name a pay-sheet line by: each whole text, then its words
    (split at spaces and punctuation, at least 3 characters, at most 64), first ones first."""
    keys: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        whole = text.strip()
        if 0 < len(whole) <= 64:
            keys[whole] = None
        words = [w for w in _WORD.split(whole) if 3 <= len(w) <= 64]
        for word in words[:MAX_REF_WORDS]:
            keys[word] = None
    return tuple(keys)


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

    def _ref_lines(self, refs: list[str]) -> dict[str, list[_Line]]:
        sql = (
            "SELECT l.third_ref, l.id, l.worker_id, l.net_fen, l.pay_month, l.project_id"
            " FROM pay_sheet_lines l JOIN pay_sheets s ON s.id = l.sheet_id"
            " WHERE s.is_current = {p} AND l.third_ref IN ({in})"
        )
        found: dict[str, list[_Line]] = defaultdict(list)
        if not refs:
            return found
        for ref, line_id, worker_id, net_fen, pay_month, project_id in select_in(
            self.session.connection(), sql, refs, before=(True,)
        ):
            found[ref].append(_Line(line_id, worker_id, net_fen, pay_month, project_id))
        return found

    def _pick_referenced(
        self, c: Candidate, lines: dict[str, list[_Line]], remark_month: str | None
    ) -> tuple[_Line, str] | None:
        """The line the first of the candidate's references names (in the account's projects): the
        reference decides the worker and month; among lines sharing a code, the remark's month, unsettled
        lines, equal amounts and the latest month first."""
        value_month = month_of(c.value_date)
        for ref in c.refs:
            best: tuple[tuple[int, int, int, int], _Line] | None = None
            for line in lines.get(ref, ()):
                if line.project_id not in c.project_ids:
                    continue
                rank = _month_rank(line.pay_month, remark_month, value_month)
                key = (
                    int(line.id in self.used_lines),
                    4 if rank is None else rank,
                    int(line.net_fen != c.amount_fen),
                    -int(line.pay_month.replace("-", "")),
                )
                if best is None or key < best[0]:
                    best = (key, line)
            if best is not None:
                return best[1], ref
        return None

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
        referenced = self._ref_lines(sorted({r for c in chunk for r in c.refs}))
        lineless = {c.card_bidx for c in chunk if c.card_bidx not in lines}
        names = self._worker_names({w for b in lineless for w in card_workers.get(b, ())})
        cards = {b: [(w, names.get(w, "")) for w in ws] for b, ws in card_workers.items()}
        name_needed = {c.payee_name for c in chunk if c.card_bidx not in lines or c.card_bidx not in cards}
        projects = {p for c in chunk for p in c.project_ids}
        by_name = self._names(projects, name_needed)
        return [self._decide(c, cards, lines, referenced, by_name) for c in chunk]

    def _by_name(self, c: Candidate, names: dict[tuple[int, str], set[int]]) -> int | None:
        ids = {w for p in c.project_ids for w in names.get((p, c.payee_name), ())}
        return ids.pop() if len(ids) == 1 else None

    def _decide(
        self,
        c: Candidate,
        cards: dict[str, list[tuple[int, str]]],
        lines: dict[str, list[_Line]],
        referenced: dict[str, list[_Line]],
        names: dict[tuple[int, str], set[int]],
    ) -> Match:
        remark_month = month_of_remark(c.remark, c.value_date)
        owners = cards.get(c.card_bidx, [])
        by_ref = self._pick_referenced(c, referenced, remark_month)
        ref: str | None = None
        line: _Line | None
        key: str | None
        if by_ref is not None:
            line, ref = by_ref
            key = "reference"
        else:
            line, key = self._pick_line(lines.get(c.card_bidx, []), c, remark_month), "line_card"
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
            worker_id, outcome, key = self._by_card_or_name(c, owners, names)
        if c.status is PaymentStatus.FAILED:
            outcome = MatchOutcome.FAILED
        elif c.status is PaymentStatus.RETURNED:
            outcome = MatchOutcome.RETURNED
        if line is None:
            return Match(outcome, worker_id, None, month, source, key=key)
        return Match(outcome, worker_id, line.id, month, source, line.project_id, key, ref)

    def _by_card_or_name(
        self, c: Candidate, owners: list[tuple[int, str]], names: dict[tuple[int, str], set[int]]
    ) -> tuple[int | None, MatchOutcome, str | None]:
        named = [w for w, name in owners if name == c.payee_name]
        if named and len({w for w, _ in owners}) == 1:
            return named[0], MatchOutcome.MATCHED, "card"
        if named:
            return named[0], MatchOutcome.OTHER_CARD, "card"
        by_name = self._by_name(c, names)
        if by_name is not None:
            return by_name, MatchOutcome.OTHER_CARD, "name"
        if owners:
            return None, MatchOutcome.OTHER_CARD, None
        return None, MatchOutcome.UNKNOWN_PAYEE, None


def flag_shared_cards(session: Session, batch_id: int) -> int:
    """Turn ``matched`` payments on the cards this import paid into ``other_card`` where the card received
    the wages of another worker for the same month (one card collecting several workers' wages) — earlier
    imports' payments on those cards included, of any account and project, so the order the banks report
    them in does not matter."""
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
