"""The script text as tree-sitter sees it (bytes), and the way back to str indices."""

from __future__ import annotations

from ..record import record


Span = tuple[int, int]


@record
class Source:
    """``text`` encoded for tree-sitter; ``span()`` maps byte ranges back to str indices."""

    text: str
    data: bytes
    index_of_byte: tuple[int, ...] | None  # None when every char is one byte

    @classmethod
    def of(cls, text: str) -> Source:
        if text.isascii():
            return cls(text, text.encode("ascii"), None)
        try:
            data, escaped = text.encode("utf-8", "surrogateescape"), True
        except UnicodeEncodeError:
            data, escaped = text.encode("utf-8", "surrogatepass"), False
        index = [i for i, ch in enumerate(text) for _ in range(_width(ord(ch), escaped))]
        index.append(len(text))
        return cls(text, data, tuple(index))

    def span(self, start_byte: int, end_byte: int) -> Span:
        if self.index_of_byte is None:
            return start_byte, end_byte
        index = self.index_of_byte
        end = index[end_byte]
        if end_byte and index[end_byte - 1] == end:  # ends inside a char: keep all of it
            end += 1
        return index[start_byte], end

    def slice(self, start_byte: int, end_byte: int) -> str:
        start, end = self.span(start_byte, end_byte)
        return self.text[start:end]


def _width(code: int, escaped: bool) -> int:
    """UTF-8 length of one code point; lone surrogates as the chosen error handler writes them."""
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    if 0xD800 <= code <= 0xDFFF:
        return 1 if escaped else 3
    return 3 if code < 0x10000 else 4
