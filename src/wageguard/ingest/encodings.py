"""Honest detection of a text file's encoding: decided from the whole file, refused when undecidable.

UTF-32/UTF-16/UTF-8 byte-order marks decide; then strict UTF-8; then GB18030 (GBK) or Big5, whichever
decodes the whole file and reads as plausible Chinese text. Big5 bytes almost always decode as GBK too (as
mojibake: 陳大文 → 朝ゅ…), so both readings are weighed by how ordinary their characters are; a file where
neither wins is refused with a message naming ``--encoding``, never stored as mojibake.
"""

from __future__ import annotations

import codecs
from collections import Counter
from typing import IO, Any

from wageguard.ingest.limits import BadInput

_CHUNK = 1 << 20
_SAMPLE = 1 << 20
_ENCODING_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "936": "gb18030",
    "gb18030": "gb18030",
    "big5": "cp950",
    "big5-tw": "cp950",
    "cp950": "cp950",
}


def undecidable_encoding(detail_zh: str = "", detail_en: str = "") -> BadInput:
    return BadInput(
        "file.encoding",
        f"无法确定文件编码{detail_zh}，未保存任何数据；请用 --encoding（网页上传：表单字段 encoding）指明，"
        "例如 --encoding gb18030、--encoding big5 或 --encoding utf-16",
        f"cannot tell the file's encoding{detail_en}; nothing stored. Name it with --encoding (upload: form "
        "field `encoding`), e.g. --encoding gb18030, --encoding big5 or --encoding utf-16",
    )


def _canonical(declared: str) -> str:
    name = declared.strip().lower().replace("_", "-")
    name = _ENCODING_ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        raise BadInput(
            "file.encoding",
            f"未知的编码名称 {declared[:40]}（--encoding 可用 utf-8、gb18030、big5、utf-16 等）",
            f"unknown encoding {declared[:40]!r} (--encoding takes utf-8, gb18030, big5, utf-16, ...)",
        ) from None
    return name


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    """Whether the whole stream decodes strictly in ``encoding`` (read in chunks)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    stream.seek(0)
    try:
        while block := stream.read(_CHUNK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _looks_utf16(stream: IO[bytes]) -> bool:
    """NUL in over a tenth of the first bytes: UTF-16/32 text without a byte-order mark, most likely."""
    stream.seek(0)
    head = stream.read(_SAMPLE)
    stream.seek(0)
    return head.count(0) * 10 > len(head)


def _sample(stream: IO[bytes], encoding: str) -> str:
    stream.seek(0)
    text: str = codecs.getincrementaldecoder(encoding)(errors="replace").decode(stream.read(_SAMPLE))
    stream.seek(0)
    return text


def _gb_weight(char: str) -> int:
    """How unlikely ``char`` is in Chinese registry text read as GB18030: 0 ordinary, 4 rare, 8 implausible.

    GB2312 level 1 (leads B0–D7) holds the 3,755 common hanzi; level 2 and the GBK extensions are rare;
    kana, Greek, Cyrillic, pinyin and box drawing (leads A4–A9) and the user-defined area are implausible
    in a registry — and are exactly where Big5's common low-stroke hanzi (leads A4–AF) land when misread.
    """
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 8 if "\ue000" <= char <= "\uf8ff" else 4
    if 0xB0 <= lead <= 0xD7 or lead in (0xA1, 0xA3):
        return 0
    if 0xD8 <= lead <= 0xF7 or lead == 0xA2:
        return 4
    return 8


def _big5_weight(char: str) -> int:
    """The same for text read as Big5 (cp950), whose level 1 is ordered by strokes.

    Real traditional text is full of hanzi with few strokes (leads A4–AF: 一 人 大 文 的 …); GB text misread
    as Big5 never yields them (GB hanzi start at B0), only many-stroke level-1 (1) and level-2 (4) hanzi.
    """
    try:
        code = int.from_bytes(char.encode("cp950"), "big")
    except UnicodeEncodeError:
        return 8
    if 0xA440 <= code <= 0xAFFE or 0xA140 <= code <= 0xA3BF:
        return 0
    if 0xB040 <= code <= 0xC67E:
        return 1
    if 0xC940 <= code <= 0xF9FE:
        return 4
    return 8  # kana, Cyrillic, user-defined area


def _oddness(text: str, weight: Any) -> tuple[int, int]:
    """(weighted implausible characters, non-ASCII characters) of a decoded sample."""
    odd = total = 0
    for char, n in Counter(text).items():
        if char >= "\x80":
            total += n
            odd += n * weight(char)
    return odd, total


_PLAUSIBLE = 2.4
"""Highest mean weight of a reading that is still taken as text (0 all ordinary … 8 all implausible)."""


def _gb_or_big5(stream: IO[bytes]) -> str:
    """``gb18030`` or ``cp950`` for a file that is not UTF-8, when the text makes it clear; else refuse.

    A reading is chosen when it decodes the whole file, its sample is plausible and, when the other
    reading decodes too, it is strictly more plausible; a tie or two implausible readings are refused.
    """
    gb, big5 = _decodes(stream, "gb18030"), _decodes(stream, "cp950")
    if not gb and not big5:
        raise undecidable_encoding(
            "（既不是 UTF-8，也不是 GB18030 或 Big5）", " (not UTF-8, GB18030 or Big5)"
        )
    gb_odd, n = _oddness(_sample(stream, "gb18030"), _gb_weight) if gb else (0, 0)
    big5_odd, m = _oddness(_sample(stream, "cp950"), _big5_weight) if big5 else (0, 0)
    gb_ok, big5_ok = gb and gb_odd <= _PLAUSIBLE * n, big5 and big5_odd <= _PLAUSIBLE * m
    if gb_ok and (not big5 or gb_odd < big5_odd):
        return "gb18030"
    if big5_ok and (not gb or big5_odd < gb_odd):
        return "cp950"
    raise undecidable_encoding("（GB18030 与 Big5 无法区分）", " (GB18030 and Big5 both fit)")


def detect_encoding(stream: IO[bytes], declared: str | None = None) -> str:
    """The text encoding of a CSV file, read over the whole file; ``BadInput`` (``file.encoding``) else.

    ``declared`` (``--encoding``) must decode the whole file. Otherwise: a UTF-32/UTF-16/UTF-8 byte order
    mark decides; mostly-NUL bytes without a BOM (UTF-16 without BOM?) are refused; then strict UTF-8; then
    GB18030 (GBK) or Big5, whichever decodes the file and reads as plausible Chinese text, when only one
    does. An undecidable file is refused, never read as mojibake.
    """
    if declared:
        encoding = _canonical(declared)
        if not _decodes(stream, encoding):
            raise BadInput(
                "file.encoding",
                f"文件不是有效的 {declared[:40]} 编码；请检查 --encoding",
                f"the file is not valid {declared[:40]}; check --encoding",
            )
        return encoding
    head = stream.read(4)
    stream.seek(0)
    for boms, encoding in (
        ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
        ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
        ((codecs.BOM_UTF8,), "utf-8-sig"),
    ):
        if head.startswith(boms):
            if not _decodes(stream, encoding):
                raise undecidable_encoding(
                    "（字节顺序标记与内容不符）", " (the byte-order mark does not fit)"
                )
            return encoding
    if _looks_utf16(stream):
        raise undecidable_encoding(
            "（含 NUL 字节，可能是无 BOM 的 UTF-16）", " (NUL bytes: UTF-16 without BOM?)"
        )
    if _decodes(stream, "utf-8"):
        return "utf-8-sig"
    return _gb_or_big5(stream)
