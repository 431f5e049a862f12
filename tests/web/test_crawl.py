"""A crawler per role on a small demo city: breadth-first from the landing page over every same-site
``<a href>``, each page answers 200 or the site's own 403 page (HTML), never an error, a 404, a login
redirect or a JSON body; files (static, PDF, images, XLSX) are only checked for their status."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from tests.web.demo_city import demo_city, log_in

from wageguard.db import Database
from wageguard.web.app import create_app

MAX_PAGES = 150
MAX_PER_PATH = 8  # links followed per path shape (ids as N; query variations: sorts, filters, pages)
FILE_SUFFIXES = (".pdf", ".png", ".svg", ".xlsx", ".csv", ".js", ".css", ".json", ".geojson", ".ico")
SKIP_PATHS = ("/logout",)
HTML = {"Accept": "text/html,application/xhtml+xml"}
ROLES = ["admin", "tongren", "bijiang", "gc", "bank"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def same_site(base: str, href: str) -> str | None:
    """The local path and query of a link on this site (``lang`` dropped: one language is walked), or None."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urlsplit(urljoin(base, href))
    if url.netloc not in ("", "testserver"):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != "lang"])
    return url.path + (f"?{query}" if query else "")


def is_file(path: str) -> bool:
    plain = path.split("?", 1)[0]
    return plain.startswith("/static/") or plain.endswith(FILE_SUFFIXES)


def crawl(client: TestClient, start: str = "/") -> tuple[list[str], list[str]]:
    """(visited paths, problems) of a breadth-first walk from ``start``."""
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    per_path: Counter[str] = Counter()
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path, source = queue.popleft()
        visited.append(path)
        r = client.get(path, headers=HTML, follow_redirects=False)
        kind = r.headers.get("content-type", "")
        where = f"{path} (linked from {source})"
        if is_file(path):
            if r.status_code != 200:
                problems.append(f"{r.status_code} {where}")
            continue
        if r.status_code in (301, 302, 303, 307, 308):
            target = same_site(path, r.headers["location"]) or ""
            if target.startswith("/login"):
                problems.append(f"redirect to login {where}")
            elif target and target not in seen:
                seen.add(target)
                queue.append((target, path))
            continue
        if r.status_code not in (200, 403):
            problems.append(f"{r.status_code} {where}")
            continue
        if not kind.startswith("text/html"):
            problems.append(f"{r.status_code} {kind or 'no content type'} instead of a page: {where}")
            continue
        if r.status_code == 403:
            if 'href="/"' not in r.text:
                problems.append(f"403 page without a link home: {where}")
            continue
        for href in links_of(r.text):
            target = same_site(path, href)
            if target is None or target in seen or target.split("?", 1)[0] in SKIP_PATHS:
                continue
            shape = re.sub(r"\d+", "N", target.split("?", 1)[0])
            if per_path[shape] >= MAX_PER_PATH:
                continue
            per_path[shape] += 1
            seen.add(target)
            queue.append((target, path))
    return visited, problems


@pytest.fixture(scope="module")
def city_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = demo_city(Path(tmp_path_factory.mktemp("crawl")))
    db = Database(settings.database_url)
    yield create_app(settings, db=db)
    db.dispose()


@pytest.mark.parametrize("username", ROLES)
def test_every_link_from_the_landing_page_answers_a_page(city_app: Any, username: str) -> None:
    with TestClient(city_app) as client:
        log_in(client, username)
        visited, problems = crawl(client)
    assert len(visited) >= 3, visited  # the landing page and at least its menu
    assert not problems, f"{username}: {len(problems)} broken of {len(visited)}:\n" + "\n".join(problems)


def test_the_crawler_reports_a_broken_link(city_app: Any) -> None:
    """The walk itself is checked: an unknown page and a JSON answer count as problems."""
    with TestClient(city_app) as client:
        log_in(client, "admin")
        _, problems = crawl(client, "/nope")
        assert problems and problems[0].startswith("404 /nope")
        _, problems = crawl(client, "/api/v1/projects")
        assert problems and "application/json instead of a page" in problems[0]
