"""Refresh the vendored front-end files from unpacked npm tarballs (a maintainer's tool).

    npm pack govuk-frontend@6 htmx.org@2 axe-core@4     # in a temporary folder, then unpack
    python -m api.web.vendor GOVUK_PACKAGE HTMX_PACKAGE AXE_PACKAGE

The GOV.UK CSS loses its GDS Transport ``@font-face`` rules and takes the system font stack
(that font and the crown are for GOV.UK services only). Nothing here runs when serving.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).parent / "static"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'


def system_fonts(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = re.sub(r"font-family:GDS Transport(,arial,sans-serif)?", "font-family:" + SYSTEM_FONTS,
                 css)
    return re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)


def main(govuk: str, htmx: str, axe: str) -> None:
    dist = Path(govuk) / "dist" / "govuk"
    css = system_fonts((dist / "govuk-frontend.min.css").read_text())
    (STATIC / "govuk" / "govuk-frontend.min.css").write_text(css)
    js = (dist / "govuk-frontend.min.js").read_text()
    (STATIC / "govuk" / "govuk-frontend.min.js").write_text(
        js.replace("//# sourceMappingURL=govuk-frontend.min.js.map", ""))
    shutil.copy(Path(htmx) / "dist" / "htmx.min.js", STATIC / "htmx")
    shutil.copy(Path(htmx) / "LICENSE", STATIC / "htmx")
    for name in ("axe.min.js", "LICENSE", "LICENSE-3RD-PARTY.txt"):
        shutil.copy(Path(axe) / name, STATIC / "axe")


if __name__ == "__main__":
    main(*sys.argv[1:4])
