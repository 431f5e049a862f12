"""docs/risk.md documents the scorecard as the code defines it: every factor's points, the grade cut-offs,
the default version, and the section the learned model will fill."""

from __future__ import annotations

from pathlib import Path

from wageguard.risk import scorecard as sc

DOC = Path(__file__).resolve().parents[2] / "docs" / "risk.md"


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _points(spec: dict[str, object]) -> str:
    if "codes" in spec:
        return ", ".join(f"{c} → {_number(p)}" for c, p in spec["codes"].items())  # type: ignore[attr-defined]
    return ", ".join(f"≥ {_number(b)} → {_number(p)}" for b, p in spec["bins"])  # type: ignore[attr-defined]


def test_the_factor_table_matches_the_default_scorecard() -> None:
    text = DOC.read_text(encoding="utf-8")
    for f in sc.FACTORS:
        spec = sc.DEFAULT["factors"][f.key]
        missing = _number(spec.get("missing", 0))
        row = f"| `{f.key}` | {f.zh} / {f.en} | {f.source} | {_points(spec)} | {missing} |"
        assert row in text, f.key


def test_the_grades_bands_and_version_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    cuts = [c for _g, c in sc.build(sc.DEFAULT).grades]
    for i, grade in enumerate(sc.GRADES):
        band = sc.BAND[grade]
        span = f"≥ {cuts[i]}" if i == len(cuts) - 1 else f"{cuts[i]}–{cuts[i + 1] - 1}"
        assert f"| {grade} | {span} | {band} | {sc.BAND_ZH[band]} |" in text, grade
    assert f"(default `{sc.DEFAULT['version']}`)" in text
    assert "## Learned model — not yet built" in text
