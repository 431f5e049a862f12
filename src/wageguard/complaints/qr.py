"""QR codes (SVG and PNG) that open a project's complaint form."""

from __future__ import annotations

import io
from urllib.parse import quote

import segno


def complaint_url(base_url: str, project_code: str) -> str:
    """The public complaint address of a project: ``<base>/c/<project code>``."""
    return f"{base_url.rstrip('/')}/c/{quote(project_code, safe='')}"


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """An SVG QR code for ``url`` (error correction level M, quiet zone included)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="svg", scale=scale, xmldecl=False)
    return buf.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    """A PNG QR code for ``url``."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale)
    return buf.getvalue()
