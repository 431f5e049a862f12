"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis).

Every operation under ``/api/v1`` is called by an admin with generated valid and invalid input against a
small seeded registry (the ``city`` fixture: ids start at 1, so small generated ids hit real rows). Each
response must not be a server error (5xx) and must conform to the documented schema.

Kept small and reproducible: a bounded number of examples per operation, derandomized, no deadline.
The device protocols (``/iclock``, ``/ISAPI``) and the HTML pages are not part of the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from wageguard.config import Settings
from wageguard.registry.choices import Role
from wageguard.web.app import create_app

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def admin_headers(make_user: Any, login: Any) -> dict[str, str]:
    make_user("fuzz-admin", Role.ADMIN)
    headers: dict[str, str] = login("fuzz-admin")
    return headers


# The schema is read once from an app built only for that (it never touches its database); each generated
# case is then sent to the test's own app, whose fresh database holds the seeded ``city``.
schema = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_app(Settings(environment="test", database_url="sqlite://"))
)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_a_server_error(
    case: Any, app: Any, city: Any, admin_headers: dict[str, str]
) -> None:
    case.call_and_validate(app=app, headers=admin_headers, checks=CHECKS)
