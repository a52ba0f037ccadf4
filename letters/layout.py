"""A letter's text is its source: plain text with "# " / "## " headings and "- " items.

The same text is sealed in the ``NoticeSent`` event, hashed, sent as the email's plain part
and laid out as HTML (and from that the PDF), so every format says exactly the same words.
"""

from __future__ import annotations

from html import escape


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
