"""A task that takes its time, for the test that kills a real worker in the middle of it."""

import time

from parcours.jobs.services import Outcome, background


@background
def nap(job, progress) -> Outcome:
    progress("Napping", 1, 100)
    time.sleep(120)
    return Outcome(lines=["woke up"])
