"""Turn an uploaded file's bytes into numbered lines of UTF-8 text, or say why not.

Lines end at CRLF, LF or a lone CR (old Mac spreadsheet exports), and each
counts as one physical line, so numbers match what an editor shows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from .errors import Problem, ValidationReport

BLOCK_BYTES = 64 * 1024
MAX_LINE_BYTES = 64 * 1024
SNIFF_BYTES = 4096
UTF8_BOM = b"\xef\xbb\xbf"
RESAVE_HINT = "save it from the spreadsheet as 'CSV UTF-8' and upload that file"

# A line with its ending (CRLF, LF or a lone CR), or a last line without one.
_RAW_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# Bytes that never occur in text, tab, line ends and form feed aside.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text (Excel's 'Unicode Text')"),
    (b"\xfe\xff", "UTF-16 text"),
)


def _reject(reason: str, *, line: int | None = None) -> ValidationReport:
    return ValidationReport([Problem(reason, line=line)])


class TextLines:
    """Iterate over a binary source's lines as text, each with its line ending.

    `line_number` is the number of the last line returned (from 1) and
    `bytes_read` how many bytes were consumed. Iterating raises
    `ValidationReport` for a file that is not UTF-8 text.
    """

    def __init__(self, source: bytes | bytearray | memoryview | BinaryIO) -> None:
        if isinstance(source, bytes | bytearray | memoryview):
            self._stream: BinaryIO = io.BytesIO(bytes(source))
        elif isinstance(source, str | io.TextIOBase):
            raise TypeError("pass the file's bytes or a file opened in binary mode ('rb')")
        else:
            self._stream = source
        self.line_number = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks():
            # A chunk of ASCII text decodes as one string and splits into the same lines;
            # anything else goes line by line, so a problem is named at its line and byte.
            if chunk.isascii() and b"\x00" not in chunk:
                for line in _TEXT_LINE.findall(chunk.decode("ascii")):
                    self.line_number += 1
                    self.bytes_read += len(line)
                    yield line
                continue
            for raw in _RAW_LINE.findall(chunk):
                self.line_number += 1
                start = self.bytes_read
                self.bytes_read += len(raw)
                if self.line_number == 1 and raw.startswith(UTF8_BOM):
                    raw = raw[len(UTF8_BOM) :]
                    start += len(UTF8_BOM)
                yield self._decode(raw, start)

    def _decode(self, raw: bytes, start: int) -> str:
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise _reject(
                f"NUL byte at byte offset {start + nul}: the file holds binary data, not CSV text",
                line=self.line_number,
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = raw[error.start]
            raise _reject(
                f"the file is not UTF-8 text: byte 0x{bad:02X} at byte offset "
                f"{start + error.start} cannot be decoded (perhaps Windows-1252 or Latin-1); "
                f"{RESAVE_HINT}",
                line=self.line_number,
            ) from None

    def _chunks(self) -> Iterator[bytes]:
        """Yield the source in chunks of whole lines; only the last may lack its line end."""
        pending = self._stream.read(SNIFF_BYTES)
        if not isinstance(pending, bytes):
            raise TypeError("pass the file's bytes or a file opened in binary mode ('rb')")
        _sniff(pending)
        while True:
            block = self._stream.read(BLOCK_BYTES)
            data = pending + block if block else pending
            # A CR at the very end may be the first half of a CRLF split across blocks.
            stop = len(data) - 1 if block and data.endswith(b"\r") else len(data)
            end = max(data.rfind(b"\n", 0, stop), data.rfind(b"\r", 0, stop)) + 1
            if end:
                yield data[:end]
            pending = data[end:]
            if len(pending) > MAX_LINE_BYTES:
                raise _reject(
                    f"line is longer than {MAX_LINE_BYTES:,} bytes; "
                    "this is not a CSV file of the expected format",
                    line=self.line_number + 1,
                )
            if not block:
                break
        if pending:
            yield pending


def _sniff(head: bytes) -> None:
    """Reject files whose first bytes show they are not UTF-8 CSV text."""
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            raise _reject(f"the file is {kind}, not CSV text; {RESAVE_HINT}", line=1)
    controls = _CONTROL_BYTES.findall(head)
    # Text never holds these bytes; a few percent of them means binary data.
    if controls and len(controls) * 50 >= len(head):
        first = _CONTROL_BYTES.search(head)
        assert first is not None
        raise _reject(
            f"the file looks like binary data, not CSV text (byte 0x{head[first.start()]:02X} "
            f"at byte offset {first.start()}); upload the CSV export of the spreadsheet",
            line=head.count(b"\n", 0, first.start()) + 1,
        )
