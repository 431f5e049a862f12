"""Reads of regions, scoped to the caller: the region tree and the counties' project and worker counts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal, region_prefix
from wageguard.errors import NotFound
from wageguard.registry.choices import RegionLevel, Role
from wageguard.registry.models import Project, ProjectWorker, Region
from wageguard.registry.queries import ensure_reader, visible_project_ids, visible_projects
from wageguard.registry.schemas import CountySummary, RegionNode


def _visible_regions(session: Session, principal: Principal) -> dict[str, Region]:
    ensure_reader(principal)
    counties = select(Project.region_code).where(visible_projects(principal))
    stmt = select(Region).where(or_(principal.region_clause(Region.code), Region.code.in_(counties)))
    regions = {r.code: r for r in session.scalars(stmt)}
    if principal.role is Role.ENTERPRISE:  # add the ancestors of their projects' counties
        missing = {r.parent_code for r in regions.values() if r.parent_code and r.parent_code not in regions}
        while missing:
            found = session.scalars(select(Region).where(Region.code.in_(missing))).all()
            regions.update({r.code: r for r in found})
            missing = {r.parent_code for r in found if r.parent_code and r.parent_code not in regions}
    return regions


def _project_counts(session: Session, principal: Principal) -> dict[str, int]:
    stmt = (
        select(Project.region_code, func.count(Project.id))
        .where(visible_projects(principal))
        .group_by(Project.region_code)
    )
    return {code: n for code, n in session.execute(stmt)}


def region_tree(session: Session, principal: Principal) -> list[RegionNode]:
    """The regions the caller may see as a tree, with visible project counts summed up the tree."""
    regions = _visible_regions(session, principal)
    nodes = {
        code: RegionNode(code=r.code, name=r.name, level=r.level, parent_code=r.parent_code)
        for code, r in regions.items()
    }
    for code, count in _project_counts(session, principal).items():
        cursor: str | None = code
        while cursor in nodes:
            nodes[cursor].project_count += count
            cursor = nodes[cursor].parent_code
    roots: list[RegionNode] = []
    for code in sorted(nodes):
        node = nodes[code]
        parent = nodes.get(node.parent_code or "")
        (parent.children if parent else roots).append(node)
    return roots


def get_region(session: Session, principal: Principal, code: str) -> RegionNode:
    """One visible region with its subtree."""
    stack = region_tree(session, principal)
    while stack:
        node = stack.pop()
        if node.code == code:
            return node
        stack.extend(node.children)
    raise NotFound(f"region {code} not found", message_zh="未找到该地区")


def _worker_counts_by_county(session: Session, principal: Principal) -> dict[str, tuple[int, int]]:
    """(registered, on-site) engagements per county: grouped per project along the project index."""
    visible = select(Project.id, Project.region_code).where(visible_projects(principal))
    county_of = {project_id: code for project_id, code in session.execute(visible)}
    on_site = func.count().filter(ProjectWorker.exit_date.is_(None))
    stmt = (
        select(ProjectWorker.project_id, func.count(), on_site)
        .where(ProjectWorker.project_id.in_(visible_project_ids(principal)))
        .group_by(ProjectWorker.project_id)
    )
    totals: dict[str, tuple[int, int]] = {}
    for project_id, n, active in session.execute(stmt):
        code = county_of.get(project_id)
        if code is not None:
            before = totals.get(code, (0, 0))
            totals[code] = (before[0] + n, before[1] + active)
    return totals


def county_summaries(session: Session, principal: Principal) -> list[CountySummary]:
    """Counties of the caller's scope with visible project, worker and on-site worker counts.

    An inspector of a prefecture or county sees each of its counties, even without projects; others see
    the counties where they have projects.
    """
    regions = _visible_regions(session, principal)
    projects = _project_counts(session, principal)
    workers = _worker_counts_by_county(session, principal)
    keep_empty = principal.role is Role.INSPECTOR and len(region_prefix(principal.region_code or "00")) >= 4
    out = []
    for code in sorted(regions):
        region = regions[code]
        if region.level != RegionLevel.COUNTY or not (keep_empty or projects.get(code)):
            continue
        n, active = workers.get(code, (0, 0))
        out.append(
            CountySummary(
                code=code,
                name=region.name,
                project_count=projects.get(code, 0),
                worker_count=n,
                active_worker_count=active,
            )
        )
    return out
