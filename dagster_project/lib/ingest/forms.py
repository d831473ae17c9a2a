"""How a file was written, told from its first bytes, and a UTF-8 copy where DuckDB needs one.

Councils export the same table in many forms: SQL Server Management Studio's "Unicode" export is UTF-16
with a byte-order mark, Excel on Windows writes Windows-1252 and, in most of Europe, semicolons; Excel
can put a `sep=,` line above the header; report writers gzip or zip what they send. The form is detected
from the content, never from the file name: compression by its magic bytes, the encoding by its
byte-order mark (or, without one, by whether every byte is valid UTF-8), and the delimiter by which of
comma, semicolon, tab and pipe splits the header line most.

DuckDB's CSV reader takes UTF-8 directly (and gzip); anything else is transcoded to a temporary UTF-8
file in one streamed pass of 1 MB chunks, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark", "utf-16-le": "UTF-16 LE",
                  "utf-16-be": "UTF-16 BE", "windows-1252": "Windows-1252"}


@dataclass(frozen=True)
class FileForm:
    compression: str | None  # None | gzip | zip
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16-le, utf-16-be, windows-1252
    delimiter: str
    has_sep_line: bool  # Excel's `sep=;` first line
    header: tuple[str, ...]
    is_empty: bool = False

    def describe(self) -> str:
        parts = [ENCODING_NAMES[self.encoding], f"{DELIMITERS[self.delimiter]}-separated"]
        if self.has_sep_line:
            parts.append("with Excel's sep= first line")
        if self.compression:
            parts.append(f"{self.compression}-compressed")
        return ", ".join(parts)

    @property
    def needs_copy(self) -> bool:
        """DuckDB reads UTF-8 (with or without BOM), plain or gzip; everything else goes through a copy."""
        return self.encoding not in ("utf-8", "utf-8-sig") or self.compression == "zip"


def _open_decompressed(path: Path, compression: str | None) -> io.BufferedIOBase:
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "zip":
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
        if not members:
            raise ValueError("the zip archive holds no file")
        return archive.open(members[0])
    return open(path, "rb")


def detect_compression(first_bytes: bytes) -> str | None:
    if first_bytes[:2] == b"\x1f\x8b":
        return "gzip"
    if first_bytes[:4] == b"PK\x03\x04":
        return "zip"
    return None


def detect_bom_encoding(first_bytes: bytes) -> str | None:
    """Encoding told by a byte-order mark, or by the zero bytes of UTF-16 text without one."""
    if first_bytes.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if first_bytes.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if first_bytes.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = first_bytes[:200]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def is_valid_utf8(stream: io.BufferedIOBase) -> bool:
    """Every byte of the stream is UTF-8 (streamed: the C decoder runs at several hundred MB/s)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header most; a comma when none does (a one-column file)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def sep_line_delimiter(first_line: str) -> str | None:
    """Excel's `sep=;` line names the delimiter of the rest of the file."""
    text = first_line.strip().strip('"')
    if text.lower().startswith("sep=") and len(text) == 5:
        return text[4]
    return None


def detect_form(path: Path) -> FileForm:
    with open(path, "rb") as f:
        magic = f.read(4)
    compression = detect_compression(magic)
    with _open_decompressed(path, compression) as stream:
        head = stream.read(65536)
    encoding = detect_bom_encoding(head)
    if encoding is None:
        with _open_decompressed(path, compression) as stream:
            encoding = "utf-8" if is_valid_utf8(stream) else "windows-1252"
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    lines = text.splitlines()
    if not text.strip():
        return FileForm(compression, encoding, ",", False, (), is_empty=True)
    first = lines[0]
    delimiter = sep_line_delimiter(first)
    has_sep_line = delimiter is not None
    header_line = lines[1] if has_sep_line and len(lines) > 1 else ("" if has_sep_line else first)
    if delimiter is None:
        delimiter = detect_delimiter(header_line)
    header = tuple(next(csv.reader([header_line], delimiter=delimiter), []))
    return FileForm(compression, encoding, delimiter, has_sep_line, header, is_empty=not header)


@contextmanager
def readable_copy(path: Path, form: FileForm, workdir: Path):
    """A path DuckDB can read as UTF-8 (the file itself when it already is one), and how many leading
    lines to skip (Excel's sep= line)."""
    if not form.needs_copy:
        yield path, (1 if form.has_sep_line else 0)
        return
    target = workdir / (path.name + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(form.encoding)(errors="replace")
    with _open_decompressed(path, form.compression) as source, open(target, "wb") as out:
        first = True
        while chunk := source.read(CHUNK):
            text = decoder.decode(chunk)
            if first:
                text = text.lstrip("\ufeff")
                first = False
            out.write(text.encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    try:
        yield target, (1 if form.has_sep_line else 0)
    finally:
        target.unlink(missing_ok=True)


