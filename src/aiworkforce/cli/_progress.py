"""Progress bars on standard error for long operations, shown only when standard error is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

_LABELS = {"load": "Loading", "reason": "Reasoning", "store": "Storing", "validate": "Validating"}


@contextlib.contextmanager
def progress_bars() -> Iterator:
    """Yield a ``progress(phase, done, total)`` callback: Rich bars on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bars:

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bars.add_task(_LABELS.get(phase, phase.capitalize()), total=total)
            bars.update(tasks[phase], completed=done, total=total)

        yield update
