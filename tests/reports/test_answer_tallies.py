"""The report's answer tables when nothing narrows the cohort are summed from the answers'
tallies (parcours.instruments.tallies): they must say what one GROUP BY over the counted
sheets' answers says, through new sheets, later ones, corrections and files never admitted;
check-figures names a tally that differs and --fix counts them again."""

import uuid
from collections import Counter

from parcours.cases import figures, tallies
from parcours.instruments import services as sheets
from parcours.instruments import tallies as answer_tallies
from parcours.instruments.models import AnswerTally, Response
from parcours.instruments.transfer import import_responses
from parcours.privacy.audit import Actor
from parcours.reports.cohort import VULNERABILITIES, Cohort, answer_counts, scaled_questions
from tests.collect.conftest import filled
from tests.reports.test_seed_tables import seed_csv


def _codes() -> list[str]:
    return [*scaled_questions(), VULNERABILITIES]


def _as_grouped(cohort: Cohort) -> None:
    """The tallied answers are those one GROUP BY counts, question by question."""
    codes = _codes()
    assert cohort.answer_counts(codes) == answer_counts(cohort.sheet_ids(), codes)


def _sheets(coordinator, project, cases, name="seed.csv"):
    import_responses(
        Actor(coordinator), "client_summary_sheet", project, name, seed_csv(cases).encode()
    )


def test_the_tallies_count_what_the_answers_say(make_family, coordinator, project):
    admitted = [make_family("active") for _ in range(12)]
    _sheets(coordinator, project, [f.case_number for f in admitted])
    cohort = Cohort([project])
    _as_grouped(cohort)
    assert sum(cohort.answer_counts(["c1_impact"])["c1_impact"].values()) > 0

    # Later sheets of four files (the seed's answers of other rows): each file's latest
    # answers replace its earlier ones.
    later = [admitted[i].case_number for i in (3, 0, 7, 11)]
    _sheets(coordinator, project, later, "later.csv")
    assert Response.objects.filter(family=admitted[3]).count() == 2
    _as_grouped(cohort)

    # A file with a sheet that was never admitted is in the tallies, not in the cohort.
    referred = make_family("referred")
    draft = sheets.start(Actor(coordinator), referred, "client_summary_sheet")
    sheets.submit(
        Actor(coordinator), draft, filled("client_summary_sheet", p03_nationality="SY"), "en"
    )
    _as_grouped(cohort)
    assert figures.differences() == []

    # A sheet corrected in Parcours: its correction becomes the latest, the sheet it
    # replaces is counted no more.
    sheet = Response.objects.get(family=admitted[5])
    draft = sheets.correct(Actor(coordinator), sheet, "the first cluster was misread")
    answers = filled(
        "client_summary_sheet", p03_nationality="SY", c1_impact="negative", c2_impact="huge"
    )
    sheets.submit(Actor(coordinator), draft, answers, "en")
    _as_grouped(cohort)
    assert figures.differences() == []

    # Folded, one row per value, and still the same counts.
    signed = AnswerTally.objects.count()
    tallies.fold()
    assert AnswerTally.objects.count() < signed
    _as_grouped(cohort)


def test_a_tally_that_differs_is_named_and_counted_again(make_family, coordinator, project):
    families = [make_family("active") for _ in range(3)]
    _sheets(coordinator, project, [f.case_number for f in families])
    assert answer_tallies.check() == []
    AnswerTally.objects.create(project=project, code="c1_impact", value="huge", n=1)
    differing = answer_tallies.check()
    assert [line for line in figures.differences() if "c1_impact=huge" in line] == differing
    (line,) = answer_tallies.check()
    assert line.startswith(f"answers c1_impact=huge of project {project.pk}: ")
    figures.refresh_all()  # what check-figures --fix runs
    assert answer_tallies.check() == [] and figures.differences() == []


def test_answers_at_hand_are_tallied_to_each_file_s_own_project(
    make_family, project, other_project, outsider
):
    """An import's sheets are of one project: their place is asked once. Sheets of files of
    several projects are each tallied to their own."""
    here, there = make_family(), make_family(project=other_project, by=outsider)
    AnswerTally.objects.all().delete()
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    answered = {
        first: [("c1_impact", "huge")],
        second: [("c1_impact", "none"), ("c2_impact", "some")],
        third: [("c1_impact", "huge")],
    }
    families = {first: here.pk, second: there.pk, third: here.pk}
    answer_tallies.record([], answered, answered, families)
    assert answer_tallies.stored() == Counter(
        {
            (project.pk, None, "c1_impact", "huge"): 2,
            (other_project.pk, None, "c1_impact", "none"): 1,
            (other_project.pk, None, "c2_impact", "some"): 1,
        }
    )
    AnswerTally.objects.all().delete()
    answer_tallies.record([], [first, third], answered, families)
    assert answer_tallies.stored() == Counter({(project.pk, None, "c1_impact", "huge"): 2})
