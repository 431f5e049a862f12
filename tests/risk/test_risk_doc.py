"""docs/risk.md documents the scorecard as the code defines it: every factor's points, the grade cut-offs,
the default version, and the learned model's section."""

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
    assert "## The learned model" in text


def test_the_model_section_names_each_factors_direction() -> None:
    """Every factor the model constrains to lower risk is named as such in the doc."""
    from wageguard.risk.model import DIRECTION
    from wageguard.risk.scorecard import FACTOR_BY_KEY

    text = DOC.read_text(encoding="utf-8").split("## The learned model", 1)[1]
    lowering = {k for k, d in DIRECTION.items() if d < 0}
    assert lowering == {"years_established", "paid_in_share", "own_card_share"}
    assert "more years, paid-in capital or wages to the worker's own card never raise it" in text
    assert all(FACTOR_BY_KEY[k] for k in lowering)
