"""The feeds' entry points: ``wageguard risk import FEED FILE`` and ``POST /api/v1/risk/feeds/{feed}``
(admins only), thin over the service: the same reports, exit 2 / 422 when rejected, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

from tests.risk.conftest import GC, LABOUR, UNREGISTERED, doc_examples, write_csv

from wageguard.cli.main import app as cli_app
from wageguard.registry.choices import Role

EXAMPLES = doc_examples()


def test_the_cli_imports_a_feed_and_exits_2_on_a_rejected_file(registered, cli, stored, tmp_path: Path):
    good = tmp_path / "registration.csv"
    good.write_text(EXAMPLES["registration"]["csv"], encoding="utf-8")
    result = cli.invoke(cli_app, ["risk", "import", "registration", str(good)])
    assert result.exit_code == 0, result.output
    assert "新增 6" in result.output and "6 inserted" in result.output
    again = cli.invoke(cli_app, ["risk", "import", "registration", str(good)])
    assert "未变 6" in again.output and "6 unchanged" in again.output
    before = stored()
    bad = write_csv(
        tmp_path / "bad.csv", [{"corpCode": UNREGISTERED, "taxYear": "2025", "creditRating": "Z"}]
    )
    report = tmp_path / "report.json"
    result = cli.invoke(cli_app, ["risk", "import", "tax", str(bad), "--report", str(report)])
    assert result.exit_code == 2, result.output
    assert "纳税信用等级应为 A、B、M、C、D 之一" in result.output
    codes = [e["code"] for e in json.loads(report.read_text(encoding="utf-8"))["errors"]]
    assert codes == ["code.unknown"]
    assert stored() == before


def test_the_api_takes_a_json_body_or_a_file_from_an_admin(registered, client, make_user, login, stored):
    make_user("root", Role.ADMIN)
    headers = login("root")
    body = EXAMPLES["tax"]["json"].encode()
    r = client.post(
        "/api/v1/risk/feeds/tax", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["object"], r.json()["inserted"]) == ("RiskTax", 2)
    files = {"file": ("contracting.csv", EXAMPLES["contracting"]["csv"].encode(), "text/csv")}
    r = client.post("/api/v1/risk/feeds/contracting", files=files, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["format"], r.json()["inserted"]) == ("csv", 3)
    counts = stored()
    assert counts["risk_tax_years"] == 2 and counts["risk_contract_payments"] == 3


def test_the_api_answers_a_rejected_file_with_its_report(registered, client, make_user, login, stored):
    make_user("root", Role.ADMIN)
    rows = [{"corpCode": GC, "recordType": "profile", "establishDate": "2008-05-12", "regCapital": "-5"}]
    files = {"file": ("r.csv", _csv(rows), "text/csv")}
    r = client.post("/api/v1/risk/feeds/registration", files=files, headers=login("root"))
    assert r.status_code == 422, r.text
    errors = r.json()["report"]["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == [(2, "regCapital", "amount.negative")]
    assert set(stored().values()) == {0}


def test_only_admins_import_feeds(registered, client, make_user, login, stored):
    make_user("insp", Role.INSPECTOR, region_code="520602")
    make_user("corp", Role.ENTERPRISE, enterprise_id=registered[LABOUR])
    body = EXAMPLES["tax"]["json"].encode()
    for user in ("insp", "corp"):
        r = client.post(
            "/api/v1/risk/feeds/tax",
            content=body,
            headers={**login(user), "content-type": "application/json"},
        )
        assert r.status_code == 403, (user, r.text)
    assert client.post("/api/v1/risk/feeds/tax", content=body).status_code == 401
    assert set(stored().values()) == {0}


def test_an_unknown_feed_is_refused(client, make_user, login):
    make_user("root", Role.ADMIN)
    r = client.post("/api/v1/risk/feeds/weather", content=b"[]", headers=login("root"))
    assert r.status_code == 422


def _csv(rows: list[dict[str, str]]) -> bytes:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(r[h] for h in header) for r in rows]
    return ("\n".join(lines) + "\n").encode()
