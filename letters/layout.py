"""A letter's text is its source: plain text with "# " / "## " headings and "- " items.

The same text is sealed in the ``NoticeSent`` event, hashed, sent as the email's plain part
and laid out as HTML (and from that the PDF), so every format says exactly the same words.
"""

from __future__ import annotations

from html import escape

from domain.vocabulary import NoticeLanguage as Language


def blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """(kind, content) for each block: h1, h2, p (lines kept), ul (items)."""
    found: list[tuple[str, str | list[str]]] = []
    for chunk in text.strip().split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("# "):
            found.append(("h1", lines[0][2:]))
            lines = lines[1:]
        elif lines[0].startswith("## "):
            found.append(("h2", lines[0][3:]))
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            found.append(("ul", [line[2:] for line in lines]))
        elif lines:
            found.append(("p", "\n".join(lines)))
    return found


def to_plain(text: str) -> str:
    """The email's plain-text part: headings underlined instead of marked."""
    out: list[str] = []
    for kind, content in blocks(text):
        if kind in ("h1", "h2"):
            assert isinstance(content, str)
            out.append(f"{content}\n{('=' if kind == 'h1' else '-') * len(content)}")
        elif kind == "ul":
            out.append("\n".join(f"  * {item}" for item in content))
        else:
            assert isinstance(content, str)
            out.append(content)
    return "\n\n".join(out) + "\n"


def to_html_body(text: str) -> str:
    out: list[str] = []
    for kind, content in blocks(text):
        if kind == "ul":
            items = "".join(f"<li>{escape(item)}</li>" for item in content)
            out.append(f"<ul>{items}</ul>")
        elif kind == "p":
            assert isinstance(content, str)
            out.append(f"<p>{'<br>'.join(escape(line) for line in content.split(chr(10)))}</p>")
        else:
            assert isinstance(content, str)
            out.append(f"<{kind}>{escape(content)}</{kind}>")
    return "\n".join(out)


STYLES = {
    "standard": "font-size: 11pt; line-height: 1.4;",
    "large_print": "font-size: 18pt; line-height: 1.5; font-weight: 500;",
    "easy_read": "font-size: 16pt; line-height: 1.6;",
}


def letter_html(text: str, notice_format: str, language: Language | str) -> str:
    style = STYLES.get(notice_format, STYLES["standard"])
    body = to_html_body(text)
    title = text.split("\n", 1)[0].removeprefix("# ")
    return (f'<!DOCTYPE html>\n<html lang="{Language(language).value}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>@page {{ size: A4; margin: 2cm; }} "
            f"body {{ font-family: 'DejaVu Sans', Arial, sans-serif; {style} color: #0b0c0c; }} "
            "h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.2em; } "
            "li { margin-bottom: 0.3em; }</style></head>"
            f'<body class="notice {escape(notice_format)}">\n{body}\n</body></html>\n')
