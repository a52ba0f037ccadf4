"""docs/policy.md and docs/walkthrough.md are what docs/render.py makes of the code now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_generated_docs_are_current() -> None:
    spec = importlib.util.spec_from_file_location("docs_render", DOCS / "render.py")
    assert spec and spec.loader
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    for path, text in render.rendered().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run `python docs/render.py` and commit the result")
