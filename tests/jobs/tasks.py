"""Tasks the worker tests run: module-level, as the worker imports a task by its path."""

from parcours.jobs.models import Job
from parcours.jobs.services import JobFailed, Outcome, background


@background
def counting(job, progress) -> Outcome:
    """Counts to three, reading back after each step what the job page would show."""
    seen = []
    for done in range(1, 4):
        progress("Counting", done, 3)
        row = Job.objects.get(pk=job.pk)
        seen.append(f"{row.step} {row.done}/{row.total} {row.percent}%")
    return Outcome(lines=seen, data=b"one,two\n", name="counted.csv", content_type="text/csv")


@background
def crashing(job, progress) -> Outcome:
    progress("Halfway", 1, 2)
    raise RuntimeError("internal detail /srv/secret/path")


@background
def refusing(job, progress) -> Outcome:
    raise JobFailed(["row 3, column p02_age, 'x': not a whole number"])
