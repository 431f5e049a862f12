"""Notifications: one ``Notifier`` interface, an outbox table, a logging and an optional SMTP notifier.

The engine queues one digest per region and run (new, reopened and escalated alerts) in the same
transaction as the alerts; ``dispatch_outbox`` later hands pending messages to the configured notifier,
so a mail server being down never loses or blocks a run.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.monitoring.choices import LEVEL_ZH, Level
from wageguard.monitoring.models import Alert, NotificationOutbox

log = logging.getLogger("wageguard.notify")
DIGEST_IDS = 50


class Notifier(Protocol):
    """Delivers one outbox message; raises on failure (the message stays pending for a retry)."""

    def send(self, message: NotificationOutbox) -> None: ...


class LoggingNotifier:
    """Writes each message to the ``wageguard.notify`` log (the default; also the test fake)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: NotificationOutbox) -> None:
        log.info("notify region=%s subject=%s", message.region_code, message.subject)
        self.sent.append(message.subject)


class SmtpNotifier:
    """Sends each message by e-mail through ``smtp_url`` to ``notify_email_to``."""

    def __init__(self, settings: Settings) -> None:
        self.url = urlparse(settings.smtp_url)
        self.sender = settings.smtp_from
        self.to = [a.strip() for a in settings.notify_email_to.split(",") if a.strip()]

    def send(self, message: NotificationOutbox) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, ", ".join(self.to), message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(self.url.hostname or "localhost", self.url.port or 25, timeout=10) as smtp:
            if self.url.username:
                smtp.login(self.url.username, self.url.password or "")
            smtp.send_message(mail)


def notifier_for(settings: Settings) -> Notifier:
    return SmtpNotifier(settings) if settings.smtp_url and settings.notify_email_to else LoggingNotifier()


def queue_digests(*, session: Session, alert_ids: list[int], run_id: int | None) -> int:
    """Queue one digest per region for new, reopened and escalated alerts; returns messages queued."""
    if not alert_ids:
        return 0
    ids = sorted(set(alert_ids))
    by_region: dict[str, list[tuple[int, str, str]]] = {}
    for i in range(0, len(ids), 1000):
        rows = session.execute(
            select(Alert.id, Alert.region_code, Alert.rule_code, Alert.level).where(
                Alert.id.in_(ids[i : i + 1000])
            )
        ).all()
        for aid, region, rule, level in rows:
            by_region.setdefault(region, []).append((aid, rule, level))
    for region, items in sorted(by_region.items()):
        levels = Counter(level for _, _, level in items)
        rules = Counter(rule for _, rule, _ in items)
        head = "、".join(f"{LEVEL_ZH[Level(lv)]}色 {n} 条" for lv, n in sorted(levels.items()))
        body = "\n".join(f"{rule}: {n}" for rule, n in sorted(rules.items()))
        session.add(
            NotificationOutbox(
                region_code=region,
                run_id=run_id,
                subject=f"[薪盾] {region} 新预警 {len(items)} 条({head})",
                body=body,
                alert_ids=[a for a, _, _ in items][:DIGEST_IDS],
            )
        )
    session.flush()
    return len(by_region)


def dispatch_outbox(*, db: Database, notifier: Notifier, limit: int = 200) -> int:
    """Deliver pending messages; a failure is recorded on the message and retried next time."""
    sent = 0
    with db.transaction() as session:
        pending = session.scalars(
            select(NotificationOutbox)
            .where(NotificationOutbox.status == "pending")
            .order_by(NotificationOutbox.id)
            .limit(limit)
        ).all()
        for message in pending:
            message.attempts += 1
            try:
                notifier.send(message)
            except Exception as exc:  # a notifier failure must not lose the message
                message.error = repr(exc)[:500]
                continue
            message.status, message.sent_at = "sent", utcnow()
            sent += 1
    return sent
