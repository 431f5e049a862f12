"""Gate-device emulators that play the real protocols against a running server.

``ZKTecoEmulator`` speaks PUSH/ADMS (handshake, ATTLOG, OPERLOG, command poll, command results — it
"executes" ``DATA UPDATE USERINFO`` and answers ``DATA QUERY ATTLOG`` by re-uploading its punch memory);
``HikvisionEmulator`` posts ISAPI ``AccessControllerEvent`` notifications (multipart with a picture, or
JSON with a BOM), heartbeats and door events. Any httpx-like client works: ``httpx.Client(base_url=…)``
for a live server, Starlette's ``TestClient`` in tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from wageguard.attendance.protocols.zkteco import TIME_FORMAT

# A 1×1 JPEG: the picture part terminals attach to face events.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f14"
    "1d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0bffda0008010100003f00d2cf20ffd9"
)


class HttpClient(Protocol):
    def get(self, url: str, *, params: Any = ..., headers: Any = ...) -> Any: ...

    def post(
        self,
        url: str,
        *,
        params: Any = ...,
        content: Any = ...,
        data: Any = ...,
        files: Any = ...,
        headers: Any = ...,
    ) -> Any: ...


@dataclass
class ZKTecoEmulator:
    """A ZKTeco face terminal in PUSH mode."""

    client: HttpClient
    serial: str
    key: str | None = None
    stamp: int = 0
    users: dict[str, str] = field(default_factory=dict)  # PIN -> name, filled by USERINFO commands
    memory: list[tuple[str, datetime, int, int]] = field(default_factory=list)  # punches kept on the device
    log: list[str] = field(default_factory=list)

    def _params(self, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"SN": self.serial, **extra}
        if self.key is not None:
            params["key"] = self.key
        return params

    def handshake(self) -> Any:
        r = self.client.get("/iclock/cdata", params=self._params(options="all", pushver="2.4.1", language=83))
        self.log.append(f"handshake {r.status_code}")
        return r

    def punch(self, pin: str, at: datetime, status: int = 0, verify: int = 15) -> None:
        self.memory.append((pin, at, status, verify))

    def upload(self, rows: list[tuple[str, datetime, int, int]] | None = None) -> Any:
        """POST ATTLOG with ``rows`` (default: every punch in memory)."""
        rows = self.memory if rows is None else rows
        body = "".join(f"{pin}\t{at.strftime(TIME_FORMAT)}\t{st}\t{vf}\t0\t0\n" for pin, at, st, vf in rows)
        self.stamp += len(rows)
        r = self.client.post(
            "/iclock/cdata", params=self._params(table="ATTLOG", Stamp=self.stamp), content=body.encode()
        )
        self.log.append(f"ATTLOG {len(rows)} -> {r.status_code} {r.text.strip()}")
        return r

    def upload_operlog(self, lines: list[str]) -> Any:
        body = "\n".join(lines) + "\n"
        return self.client.post(
            "/iclock/cdata", params=self._params(table="OPERLOG", OpStamp=1), content=body
        )

    def poll(self) -> list[tuple[int, str]]:
        """GET getrequest; returns the commands (id, text) the server queued."""
        r = self.client.get("/iclock/getrequest", params=self._params())
        commands = []
        for line in r.text.splitlines():
            if line.startswith("C:"):
                _, cid, cmd = line.split(":", 2)
                commands.append((int(cid), cmd))
        self.log.append(f"poll -> {len(commands)} commands")
        return commands

    def execute(self, commands: list[tuple[int, str]]) -> Any:
        """Run the commands like a real device and POST their results to devicecmd."""
        results = []
        for cid, cmd in commands:
            code, name = self._run(cmd)
            results.append(f"ID={cid}&Return={code}&CMD={name}")
        return self.client.post("/iclock/devicecmd", params=self._params(), content="\n".join(results) + "\n")

    def _run(self, cmd: str) -> tuple[int, str]:
        if cmd.startswith("DATA UPDATE USERINFO"):
            fields = dict(part.split("=", 1) for part in cmd[len("DATA UPDATE USERINFO ") :].split("\t"))
            self.users[fields["PIN"]] = fields.get("Name", "")
            return 0, "DATA"
        if cmd.startswith("DATA QUERY ATTLOG"):
            fields = dict(part.split("=", 1) for part in cmd[len("DATA QUERY ATTLOG ") :].split("\t"))
            start = datetime.strptime(fields["StartTime"], TIME_FORMAT)
            end = datetime.strptime(fields["EndTime"], TIME_FORMAT)
            rows = [m for m in self.memory if start <= m[1] <= end]
            if rows:
                self.upload(rows)
            return (0 if rows else -1), "DATA"
        if cmd in {"INFO", "CHECK", "LOG"}:
            return 0, cmd
        return -1002, cmd.split(" ", 1)[0]

    def conversation(self) -> list[str]:
        """Handshake, upload memory, poll and execute commands: one full exchange."""
        self.handshake()
        if self.memory:
            self.upload()
        commands = self.poll()
        if commands:
            self.execute(commands)
        return self.log


def hik_event(
    *,
    at: datetime,
    employee: str | None,
    serial_no: int,
    minor: int = 75,
    door: int = 1,
    status: str | None = "checkIn",
    current: bool = True,
    device_id: str = "",
) -> dict[str, Any]:
    """An ``AccessControllerEvent`` notification as a face terminal sends it (time with +08:00)."""
    ace: dict[str, Any] = {
        "deviceName": "Access Controller",
        "majorEventType": 5,
        "subEventType": minor,
        "cardReaderNo": 1,
        "doorNo": door,
        "verifyNo": 165,
        "serialNo": serial_no,
        "frontSerialNo": serial_no - 1,
        "userType": "normal" if employee else "stranger",
        "currentVerifyMode": "cardOrFaceOrFp",
        "currentEvent": current,
        "mask": "unknown",
        "picturesNumber": 1,
    }
    if employee:
        ace.update(employeeNoString=employee, name="", attendanceStatus=status, label="Check In")
    return {
        "ipAddress": "192.168.1.11",
        "portNo": 4000,
        "protocol": "HTTP",
        "macAddress": "a4:d5:c2:00:00:01",
        "channelID": 1,
        "dateTime": at.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
        "activePostCount": 1,
        "eventType": "AccessControllerEvent",
        "eventState": "active",
        "eventDescription": "Access Controller Event",
        "deviceID": device_id,
        "AccessControllerEvent": ace,
    }


@dataclass
class HikvisionEmulator:
    """A Hikvision face terminal posting events to the URL it was armed with."""

    client: HttpClient
    serial: str
    key: str | None = None
    serial_no: int = 0

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"SN": self.serial}
        if self.key is not None:
            params["key"] = self.key
        return params

    def post(
        self, event: dict[str, Any], *, multipart: bool = True, picture: bool = True, bom: bool = False
    ) -> Any:
        text = json.dumps(event, ensure_ascii=False)
        if multipart:
            files: dict[str, Any] = {"event_log": (None, text)}
            if picture:
                files["Picture"] = ("face.jpg", TINY_JPEG, "image/jpeg")
            return self.client.post("/isapi/event", params=self._params(), files=files)
        body = ("\ufeff" if bom else "") + text
        headers = {"content-type": "application/json"}
        return self.client.post("/isapi/event", params=self._params(), content=body.encode(), headers=headers)

    def punch(self, employee: str | None, at: datetime, *, door: int = 1, skip: int = 0, **kw: Any) -> Any:
        """Post a face event (``employee=None``: a stranger); ``skip`` loses that many serials first."""
        self.serial_no += 1 + skip
        minor = 75 if employee else 76
        status = "checkIn" if door == 1 else "checkOut"
        event = hik_event(
            at=at, employee=employee, serial_no=self.serial_no, minor=minor, door=door, status=status
        )
        return self.post(event, **kw)

    def heartbeat(self, at: datetime) -> Any:
        event = {"ipAddress": "192.168.1.11", "dateTime": at.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                 "activePostCount": 1, "eventType": "heartBeat", "eventState": "active",
                 "eventDescription": "heartBeat"}  # fmt: skip
        return self.post(event, multipart=False)

    def door_event(self, at: datetime) -> Any:
        self.serial_no += 1
        event = hik_event(at=at, employee=None, serial_no=self.serial_no, minor=21, status=None)
        event["AccessControllerEvent"]["userType"] = "normal"
        return self.post(event, picture=False)
