"""Live demo gates: a background thread that keeps a few registered gates talking to a running server.

``wageguard serve --demo-gates N`` (used by ``make demo``) starts ``LiveGates``: once the server answers,
every ``interval`` seconds each chosen gate plays one real conversation through the emulators — a ZKTeco gate
its handshake, an ATTLOG upload and a command poll (executing whatever the server queued), a Hikvision gate a
heartbeat and face events — punching a few workers currently registered on its project at the present local
time (in before noon, out after). Gates authenticate with the demo's shared secret ``demo-<serial>``.

The gate the demo planted as silent (ground-truth fault ``silent_gate`` in ``truth.json``) is never used, so
W16 keeps finding it. Every failure is logged and retried next round; the thread is a daemon and ``stop()``
ends it between two requests, so it can neither block nor crash the server.
"""

from __future__ import annotations

import hmac
import json
import logging
import random
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wageguard.attendance.devices import hash_secret
from wageguard.attendance.emulator import HikvisionEmulator, ZKTecoEmulator
from wageguard.attendance.models import Device, DeviceEnrolment
from wageguard.db import Database
from wageguard.registry.models import ProjectWorker
from wageguard.timezones import zone

log = logging.getLogger("wageguard.live_gates")
VENDORS = ("zkteco", "hikvision")
MEMORY_KEPT = 500  # punches a ZKTeco emulator keeps to answer DATA QUERY ATTLOG


def demo_key(serial: str) -> str:
    """The shared secret the demo registers every gate with."""
    return f"demo-{serial}"


def silent_gate_serials(truth_path: Path) -> set[str]:
    """Serials the demo planted as silent gates (none when the truth file is absent or unreadable)."""
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(f["serial"]) for f in truth.get("faults", []) if f.get("fault") == "silent_gate"}


GATE_COLUMNS = (
    Device.id,
    Device.serial,
    Device.vendor,
    Device.tz,
    Device.project_id,
    Device.att_stamp,
    Device.last_serial_no,
    Device.secret_hash,
)


@dataclass(frozen=True)
class LiveGate:
    device_id: int
    serial: str
    vendor: str
    tz: str
    project_id: int
    att_stamp: int
    last_serial_no: int


def choose_gates(session: Session, *, count: int, exclude: set[str]) -> list[LiveGate]:
    """Up to ``count`` active demo gates (secret ``demo-<serial>``), ZKTeco and Hikvision alternating,
    earliest registered first; gates with another secret are real ones and never played."""
    queues: list[list[LiveGate]] = []
    for vendor in VENDORS:
        rows = session.execute(
            select(*GATE_COLUMNS)
            .where(Device.active.is_(True), Device.vendor == vendor, Device.serial.not_in(exclude))
            .order_by(Device.id)
        ).all()
        demo = [r for r in rows if hmac.compare_digest(r.secret_hash, hash_secret(demo_key(r.serial)))]
        queues.append(
            [LiveGate(r[0], r[1], r[2], r[3], r[4], int(r[5] or 0), int(r[6] or 0)) for r in demo[:count]]
        )
    mixed: list[LiveGate] = []
    while len(mixed) < count and any(queues):
        for queue in queues:
            if queue and len(mixed) < count:
                mixed.append(queue.pop(0))
    return mixed


def on_site_pins(session: Session, gate: LiveGate, today: date) -> list[str]:
    """PINs enrolled on the gate whose workers are registered on its project today (entered, not exited)."""
    return list(
        session.scalars(
            select(DeviceEnrolment.pin)
            .join(
                ProjectWorker,
                (ProjectWorker.worker_id == DeviceEnrolment.worker_id)
                & (ProjectWorker.project_id == gate.project_id),
            )
            .where(
                DeviceEnrolment.device_id == gate.device_id,
                or_(ProjectWorker.entry_date.is_(None), ProjectWorker.entry_date <= today),
                or_(ProjectWorker.exit_date.is_(None), ProjectWorker.exit_date >= today),
            )
            .order_by(DeviceEnrolment.pin)
            .limit(500)
        )
    )


class LiveGates:
    """Keeps ``count`` demo gates live against the server at ``base_url`` (a daemon thread)."""

    def __init__(
        self,
        *,
        db: Database,
        base_url: str,
        count: int,
        interval: float = 5.0,
        per_round: int = 3,
        exclude: set[str] | None = None,
        seed: int | None = None,
    ) -> None:
        self.db, self.base_url, self.count = db, base_url, count
        self.interval, self.per_round = interval, per_round
        self.exclude = set(exclude or ())
        self.rounds = 0
        self._round_done = threading.Condition()
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._emulators: dict[str, ZKTecoEmulator | HikvisionEmulator] = {}
        self._thread = threading.Thread(target=self._loop, name="wageguard-live-gates", daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> LiveGates:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end (it finishes at most its current request) and wait for it briefly."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_for_rounds(self, count: int, timeout: float) -> bool:
        """Block until ``count`` rounds have been played; False when ``timeout`` seconds passed first."""
        with self._round_done:
            return self._round_done.wait_for(lambda: self.rounds >= count, timeout)

    def _loop(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            if not self._wait_for_server(client):
                return
            while not self._stop.is_set():
                try:
                    played = self.play_round(client)
                    log.debug("live gates: round %d, %d gates", self.rounds, played)
                except httpx.TransportError as exc:  # the server is restarting or shutting down
                    log.warning("live gates: server unreachable (%s), retrying", exc)
                except Exception:  # a failed round must never end the thread (nor touch the server)
                    log.exception("live gates: round failed")
                self._stop.wait(self.interval)

    def _wait_for_server(self, client: httpx.Client) -> bool:
        while not self._stop.is_set():
            try:
                client.get("/")
                return True
            except httpx.TransportError:
                self._stop.wait(0.2)
        return False

    def play_round(self, client: httpx.Client) -> int:
        """One conversation per chosen gate; returns how many gates talked."""
        with self.db.sessions() as session:
            gates = choose_gates(session, count=self.count, exclude=self.exclude)
            pins = {g.serial: on_site_pins(session, g, datetime.now(zone(g.tz)).date()) for g in gates}
        for gate in gates:
            if self._stop.is_set():
                break
            chosen = self._rng.sample(pins[gate.serial], k=min(self.per_round, len(pins[gate.serial])))
            at = datetime.now(zone(gate.tz)).replace(tzinfo=None, microsecond=0)
            if gate.vendor == "zkteco":
                self._play_zkteco(client, gate, chosen, at)
            else:
                self._play_hikvision(client, gate, chosen, at)
        with self._round_done:
            self.rounds += 1
            self._round_done.notify_all()
        return len(gates)

    def _play_zkteco(self, client: httpx.Client, gate: LiveGate, pins: list[str], at: datetime) -> None:
        emu = self._emulators.get(gate.serial)
        if not isinstance(emu, ZKTecoEmulator):
            emu = ZKTecoEmulator(client, gate.serial, key=demo_key(gate.serial), stamp=gate.att_stamp)
            self._emulators[gate.serial] = emu
        emu.log.clear()
        _check(emu.handshake(), gate.serial)
        rows = [(pin, at, 0 if at.hour < 12 else 1, 15) for pin in pins]
        emu.memory = (emu.memory + rows)[-MEMORY_KEPT:]
        if rows:
            _check(emu.upload(rows), gate.serial)
        commands = emu.poll()
        if commands:
            _check(emu.execute(commands), gate.serial)

    def _play_hikvision(self, client: httpx.Client, gate: LiveGate, pins: list[str], at: datetime) -> None:
        emu = self._emulators.get(gate.serial)
        if not isinstance(emu, HikvisionEmulator):
            emu = HikvisionEmulator(
                client, gate.serial, key=demo_key(gate.serial), serial_no=gate.last_serial_no
            )
            self._emulators[gate.serial] = emu
        _check(emu.heartbeat(at), gate.serial)
        for pin in pins:
            _check(emu.punch(pin, at, door=1 if at.hour < 12 else 2), gate.serial)


def _check(response: httpx.Response, serial: str) -> None:
    if response.status_code >= 400:
        log.warning("live gate %s: HTTP %d %s", serial, response.status_code, response.text[:200])


def start_live_gates(
    *, db: Database, base_url: str, count: int, truth_path: Path, interval: float = 5.0
) -> LiveGates | None:
    """Start ``count`` live demo gates (none when ``count`` is 0), skipping the demo's planted silent gate."""
    if count <= 0:
        return None
    exclude = silent_gate_serials(truth_path)
    log.info("live demo gates: %d, every %.1fs, leaving silent %s", count, interval, sorted(exclude) or "-")
    return LiveGates(db=db, base_url=base_url, count=count, interval=interval, exclude=exclude).start()
