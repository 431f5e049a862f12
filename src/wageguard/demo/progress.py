"""Running the demo stages and telling how far they are.

``run_stages`` runs every stage of ``all_stages()`` in order and records each one's state in
``var/demo/progress.json`` (rewritten atomically after every change): ``waiting`` → ``running`` → ``done`` or
``failed``. ``wageguard demo`` runs them in the foreground; ``wageguard serve --build-demo`` runs the first
stage (the registry and the demo logins) before the server starts and the rest in a background thread while
it serves, so the landing page can show what is still loading (``current_progress``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from wageguard.config import Settings
from wageguard.demo.stages import DemoContext, Stage

STATES = ("waiting", "running", "done", "failed")


@dataclass
class StageProgress:
    name: str
    state: str = "waiting"
    seconds: float | None = None


def progress_path(settings: Settings) -> Path:
    return settings.var_dir / "demo" / "progress.json"


def current_progress(settings: Settings) -> list[StageProgress] | None:
    """The demo build's stages as last recorded; None when none was recorded or the file is unreadable."""
    try:
        raw = json.loads(progress_path(settings).read_text(encoding="utf-8"))
        stages = [StageProgress(str(s["name"]), str(s["state"]), s.get("seconds")) for s in raw["stages"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stages if all(s.state in STATES for s in stages) else None


def still_loading(settings: Settings) -> list[StageProgress] | None:
    """The stages when some are not done yet (the landing page's panel), else None."""
    stages = current_progress(settings)
    if stages is None or all(s.state == "done" for s in stages):
        return None
    return stages


class ProgressFile:
    """The progress of one build, written after every change (write to a temporary file, then rename)."""

    def __init__(self, path: Path, names: list[str]) -> None:
        self.path = path
        self.stages = [StageProgress(name) for name in names]
        self._lock = threading.Lock()
        self._write()

    def mark(self, name: str, state: str, seconds: float | None = None) -> None:
        with self._lock:
            for stage in self.stages:
                if stage.name == name:
                    stage.state, stage.seconds = state, seconds
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"stages": [asdict(s) for s in self.stages]}, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.path)


def run_stages(ctx: DemoContext, stages: list[tuple[str, Stage]], progress: ProgressFile) -> None:
    """Run ``stages`` in order, logging ``[i/n] name …`` and recording each state; a failure is recorded and
    raised (later stages stay ``waiting``)."""
    names = [s.name for s in progress.stages]
    for name, stage in stages:
        number = names.index(name) + 1
        ctx.log(f"[{number}/{len(names)}] {name} …")
        progress.mark(name, "running")
        started = time.perf_counter()
        try:
            stage(ctx)
        except BaseException:
            progress.mark(name, "failed", round(time.perf_counter() - started, 1))
            raise
        seconds = time.perf_counter() - started
        progress.mark(name, "done", round(seconds, 1))
        ctx.log(f"[{number}/{len(names)}] {name} 完成 / done in {seconds:.1f}s")


class BackgroundBuild(threading.Thread):
    """The stages after the first, run while the server serves; ``on_done`` runs once they all finished."""

    def __init__(
        self,
        ctx: DemoContext,
        stages: list[tuple[str, Stage]],
        progress: ProgressFile,
        on_done: Callable[[], None],
    ) -> None:
        super().__init__(name="demo-build", daemon=True)
        self.ctx, self.stages, self.progress, self.on_done = ctx, stages, progress, on_done
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            run_stages(self.ctx, self.stages, self.progress)
            self.on_done()
        except BaseException as exc:  # recorded in the progress file and printed; the server keeps serving
            self.error = exc
            self.ctx.log(f"演示数据生成失败 / demo build failed: {exc!r}")
        finally:
            self.finished.set()
