"""Front-end vendor files: copied from npm's output and the shared maps folder, optional at run time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wageguard.web import assets


def fake_frontend(root: Path) -> Path:
    frontend = root / "frontend"
    for source in assets.NPM_FILES.values():
        path = frontend / "node_modules" / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {source} */")
    return frontend


def test_copy_puts_npm_files_and_the_county_map_in_vendor(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "tongren.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    vendor = tmp_path / "vendor"
    written = assets.copy_vendor_files(fake_frontend(tmp_path), vendor, maps)
    assert sorted(p.relative_to(vendor).as_posix() for p in written) == [
        "echarts.min.js",
        "htmx.min.js",
        "maps/tongren.geojson",
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
    ]
    found = assets.available(vendor)
    assert found.htmx and found.echarts and found.county_map and found.swagger_ui


def test_copy_without_the_shared_maps_still_gives_the_scripts(tmp_path):
    vendor = tmp_path / "vendor"
    assets.copy_vendor_files(fake_frontend(tmp_path), vendor, tmp_path / "absent")
    found = assets.available(vendor)
    assert found.echarts and not found.tongren_map and not found.county_map


def test_copy_before_npm_ran_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="npm"):
        assets.copy_vendor_files(tmp_path / "frontend", tmp_path / "vendor", tmp_path)


def test_nothing_installed_means_no_optional_features(tmp_path):
    assert assets.available(tmp_path) == assets.Vendor(htmx=False, echarts=False, tongren_map=False)


def test_frontend_pins_htmx_2_and_echarts_6_with_a_lock_file():
    frontend = assets.FRONTEND_DIR
    deps = json.loads((frontend / "package.json").read_text())["dependencies"]
    assert deps["htmx.org"].startswith("2.") and deps["echarts"].startswith("6.")
    lock = json.loads((frontend / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/htmx.org"]["version"] == deps["htmx.org"]
