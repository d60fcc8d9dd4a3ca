"""What the browser tests share: Debian's Chromium, where screenshots go, and the moves an annotator makes
(open a task, select a surface with a label, submit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labelstudio_helpers import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO.root / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def open_task(page: Any, url: str, project_id: int, task_id: int) -> Any:
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    line = page.locator(".lsf-richtext__line").last
    try:
        line.wait_for()
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"labelstudio-failed-task-{task_id}.png"))
        raise
    return line


def select(page: Any, text: str, surface: str, label: str) -> None:
    """Pick the label and select `surface` the way a mouse does (DOM offsets are UTF-16 units)."""
    start = text.index(surface)
    start16 = len(text[:start].encode("utf-16-le")) // 2
    end16 = start16 + len(surface.encode("utf-16-le")) // 2
    page.locator(".lsf-label", has_text=label).click()
    page.evaluate(
        """([start, end]) => {
            const line = [...document.querySelectorAll('.lsf-richtext__line')].pop();
            const range = document.createRange();
            range.setStart(line.firstChild, start);
            range.setEnd(line.firstChild, end);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            line.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        [start16, end16],
    )
    page.locator(".lsf-richtext .htx-highlight", has_text=surface).wait_for()


def submit(page: Any) -> None:
    with page.expect_response(
        lambda answer: "/annotations" in answer.url and answer.request.method == "POST"
    ):
        page.get_by_role("button", name="Submit").click()
