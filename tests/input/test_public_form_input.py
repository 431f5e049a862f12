"""The public complaint form under odd input: a clear message beside the field, never a 500, never a silent
cut."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.complaints.conftest import COUNTY, FormClient, SiteProject, _project, tracking_code, valid_form

from wageguard.complaints.models import Complaint
from wageguard.db import Database


@pytest.fixture
def site(db: Database) -> SiteProject:
    return _project(db, COUNTY, "碧江新城安置房一期")


@pytest.fixture
def form(app) -> Iterator[FormClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield FormClient(c)


def _count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Complaint)) or 0


@pytest.mark.parametrize("value", ["²", "³", "¹²", "9" * 5000, "3.0", "-1", "٣٠٠"])
@pytest.mark.parametrize("field", ["months_owed", "workers_affected"])
def test_digits_int_refuses_or_out_of_range_counts_are_a_field_error(
    form: FormClient, db: Database, site: SiteProject, field: str, value: str
) -> None:
    r = form.submit(f"/c/{site.code}", valid_form(**{field: value}))
    assert r.status_code == 422, r.text[:500]
    error = r.text.split(f'id="e-{field}">')[1].split("<")[0]
    assert error.endswith("应为整数，例如 3") or error.endswith("应为整数，例如 4") or "不能超过" in error
    assert _count(db) == 0


def test_full_width_digits_are_read_as_the_number(form: FormClient, db: Database, site: SiteProject) -> None:
    r = form.submit(f"/c/{site.code}", valid_form(months_owed="３", workers_affected="１２"))
    assert r.status_code == 200, r.text[:500]
    tracking_code(r.text)
    with db.sessions() as session:
        assert tuple(session.execute(select(Complaint.months_owed, Complaint.workers_affected)).one()) == (
            3,
            12,
        )


def test_a_description_over_2000_characters_is_a_field_error_not_a_silent_cut(
    form: FormClient, db: Database, site: SiteProject
) -> None:
    long = "工资一直没发。" * 300  # 2,100 characters
    r = form.submit(f"/c/{site.code}", valid_form(description=long))
    assert r.status_code == 422, r.text[:500]
    assert 'id="e-description"' in r.text and "情况说明不能超过2000个字" in r.text
    assert long in r.text  # what was typed is kept, whole, to be shortened by the worker
    assert _count(db) == 0
    r = form.submit(f"/c/{site.code}", valid_form(description=long[:2000]))
    assert r.status_code == 200
    assert _count(db) == 1
