"""How far long work got, for whoever follows it: a bar on a terminal, a job's page.

Long work takes a ``progress(step, done, total)`` callable; a command passes a
``TerminalProgress``, the worker a job's ``Progress`` (parcours.jobs).
"""

import sys
import time


class TerminalProgress:
    """A one-line progress bar on a terminal; nothing in a script, a pipe or a log."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()
        self.step = None

    def __call__(self, step: str, done: int = 0, total: int | None = None) -> None:
        if not self.live:
            return
        if step != self.step:
            if self.step is not None:
                self.stream.write("\n")
            self.step, self.started = step, time.monotonic()
        rate = done / max(time.monotonic() - self.started, 1e-6)
        if total:
            width = 30
            filled = width * min(done, total) // total
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:
            bar = f"{done}" if done else "…"
        self.stream.write(f"\r{step}: {bar} ({rate:,.0f}/s)" if done else f"\r{step}: {bar}")
        if total and done >= total:
            self.stream.write("\n")
            self.step = None
        self.stream.flush()

    def end(self) -> None:
        """Close a step left open (one without a total) before other output follows."""
        if self.live and self.step is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.step = None


def counted(rows, progress, step: str, total: int | None, every: int = 500):
    """``rows`` as they come, telling ``progress`` every ``every`` rows and at the end."""
    number = 0
    for number, row in enumerate(rows, start=1):
        if number % every == 0:
            progress(step, number, total)
        yield row
    progress(step, number, total if total is not None else number)
