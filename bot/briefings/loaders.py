"""Turn files, bytes and HTML into clean article text with metadata. No database here."""

from __future__ import annotations

import codecs
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import BinaryInput, EmptyInput, InputTooLarge, NoTextFound, UnsupportedInput

logger = logging.getLogger(__name__)

FILE_KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
              ".html": "html", ".htm": "html"}
MANIFEST = "manifest.json"
TITLE_MAX = 200
#: Extracted HTML with fewer words than this is navigation, not an article.
MIN_HTML_WORDS = 5

_IMAGE_LINE = re.compile(r"^[ \t]*!\[.*\]\(\S*\)[ \t]*$", re.MULTILINE)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_BLANKS = re.compile(r"\n{3,}")
_PREFERRED_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "cp1250", "iso8859_2"]


@dataclass(frozen=True)
class RawDocument:
    """Text ready to store, with whatever metadata its container carried."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: str | None = None
    language: str | None = None
    origin: str = "text"
    warnings: tuple[str, ...] = field(default=())


def human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise InputTooLarge(f"{what} is {human_size(size)}, over the {human_size(limit)} limit")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB (BOM-marked UTF-16/32 is text)."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) * 0.05


def decode(data: bytes, what: str = "input") -> tuple[str, tuple[str, ...]]:
    """Bytes -> text: UTF-8 (with or without BOM), BOM-marked UTF-16/32, else a detected charset."""
    if looks_binary(data):
        raise BinaryInput(f"{what} looks like a binary file, not text")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), ()
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise BinaryInput(f"{what} is not text in any encoding we recognise")
    best = matches[0]
    # short texts often tie between related code pages: prefer the ones newsrooms actually use
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    best = min(tied, key=lambda m: _PREFERRED_ENCODINGS.index(m.encoding)
               if m.encoding in _PREFERRED_ENCODINGS else len(_PREFERRED_ENCODINGS))
    return str(best), (f"not UTF-8; decoded as {best.encoding}",)


def clean_text(text: str) -> str:
    """Normalise Unicode and newlines, drop control characters and markdown image lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _IMAGE_LINE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= TITLE_MAX and not line.endswith((".", ",", ";", ":")) and len(line.split()) <= 30


def split_title(text: str) -> tuple[str | None, str]:
    """A first line that reads as a headline becomes the title; the rest is the text."""
    first, _, rest = text.partition("\n")
    if rest.strip() and _looks_like_title(first):
        return first.strip(), rest.strip()
    return None, text


def fallback_title(text: str, limit: int = 90) -> str:
    """A title for untitled text: its first line, cut at a word boundary."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—-") + "…"


def from_text(text: str, *, origin: str = "text", warnings: Iterable[str] = ()) -> RawDocument:
    text = clean_text(text)
    if not text or not any(ch.isalnum() for ch in text):
        raise EmptyInput("no text to store (empty or only whitespace/symbols)")
    title, body = split_title(text)
    return RawDocument(body, title=title, origin=origin, warnings=tuple(warnings))


def from_markdown(text: str, *, warnings: Iterable[str] = ()) -> RawDocument:
    text = clean_text(text)
    title = None
    heading = re.search(r"^\s{0,3}#\s+(.+)$", text, re.MULTILINE)
    if heading:
        title = heading.group(1).strip()
        text = (text[: heading.start()] + text[heading.end():]).strip()
    text = _MD_HEADING.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    doc = from_text(text, origin="markdown", warnings=warnings)
    return replace(doc, title=title or doc.title) if title else doc


def from_html(html: str, *, url: str | None = None, warnings: Iterable[str] = ()) -> RawDocument:
    """Main text, title, date and site name of a page (trafilatura)."""
    import trafilatura

    extracted = None
    for recall in (False, True):
        try:
            extracted = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, favor_recall=recall, include_comments=False
            )
        except Exception as error:  # trafilatura/lxml on pathological markup
            logger.warning("HTML extraction failed: %s", error)
            extracted = None
        if extracted is not None and (extracted.text or "").strip():
            break
    if extracted is None or not (extracted.text or "").strip():
        raise NoTextFound("no article text found in the HTML")
    text = clean_text(extracted.text)
    title = (extracted.title or "").strip() or None
    if title and text.startswith(title):
        text = text[len(title):].strip() or text
    if len(re.findall(r"\w+", text)) < MIN_HTML_WORDS:  # menus, "Home", cookie walls
        raise NoTextFound("no article text found in the HTML")
    return RawDocument(
        text,
        title=title,
        source=(extracted.sitename or extracted.hostname or None),
        url=extracted.url or url,
        published_at=extracted.date or None,
        origin="html",
        warnings=tuple(warnings),
    )


def from_bytes(data: bytes, kind: str, what: str, *, url: str | None = None) -> RawDocument:
    if not data.strip():
        raise EmptyInput(f"{what} is empty")
    text, warnings = decode(data, what)
    if kind == "html":
        return from_html(text, url=url, warnings=warnings)
    if kind == "markdown":
        return from_markdown(text, warnings=warnings)
    return from_text(text, origin="file", warnings=warnings)


def load_file(path: Path, max_bytes: int) -> RawDocument:
    """Read a .txt/.md/.html file within the size limit and extract its text."""
    kind = FILE_KINDS.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedInput(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}; use {', '.join(sorted(FILE_KINDS))}"
        )
    try:
        size = path.stat().st_size
        if size == 0:
            raise EmptyInput(f"{path.name} is empty")
        check_size(size, max_bytes, path.name)
        data = path.read_bytes()
    except OSError as error:
        raise UnsupportedInput(f"{path}: cannot read ({error.strerror or error})") from error
    return from_bytes(data, kind, path.name)


# -- folders and manifests -------------------------------------------------------------------
@dataclass(frozen=True)
class FileJob:
    path: Path
    meta: dict


def read_manifest(folder: Path) -> dict[str, dict]:
    """``manifest.json`` in ``folder``: ``{"articles": [{"file": ..., "title": ...}, ...]}``."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("articles", [])
        return {entry["file"]: entry for entry in entries if isinstance(entry, dict) and "file" in entry}
    except (ValueError, AttributeError, OSError) as error:
        logger.warning("ignoring unreadable %s: %s", path, error)
        return {}


def collect_files(paths: Iterable[str | Path]) -> Iterator[FileJob | UnsupportedInput]:
    """Expand files and folders (recursively) into supported files with manifest metadata.

    Yields an :class:`UnsupportedInput` for a path that does not exist or is not ingestible.
    """
    manifests: dict[Path, dict[str, dict]] = {}

    def meta_for(path: Path) -> dict:
        folder = path.parent
        if folder not in manifests:
            manifests[folder] = read_manifest(folder)
        return manifests[folder].get(path.name, {})

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in FILE_KINDS and not child.name.startswith("."):
                    yield FileJob(child, meta_for(child))
        elif path.is_file():
            yield FileJob(path, meta_for(path))
        else:
            yield UnsupportedInput(f"{path}: no such file or folder")
