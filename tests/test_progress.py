"""Long commands draw a progress bar on a terminal and write nothing of it in a script."""

import io

from parcours.progress import TerminalProgress, counted


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_sees_each_step_fill_up_and_end_on_its_own_line():
    screen = Terminal()
    progress = TerminalProgress(screen)
    progress("Checking the rows", 500, 1000)
    progress("Checking the rows", 1000, 1000)
    progress("Saving the sheets")
    progress.end()
    text = screen.getvalue()
    assert "\rChecking the rows: [###############...............] 500/1000" in text
    assert "[##############################] 1000/1000" in text
    assert text.endswith("Saving the sheets: …\n")


def test_a_script_or_a_log_gets_nothing():
    log = io.StringIO()  # not a terminal
    progress = TerminalProgress(log)
    progress("Checking the rows", 1, 2)
    progress.end()
    assert log.getvalue() == ""


def test_counted_reports_every_so_many_rows_and_at_the_end():
    heard = []
    rows = list(counted(range(1, 1201), lambda *a: heard.append(a), "Rows", 1200, every=500))
    assert rows == list(range(1, 1201))
    assert heard == [("Rows", 500, 1200), ("Rows", 1000, 1200), ("Rows", 1200, 1200)]
