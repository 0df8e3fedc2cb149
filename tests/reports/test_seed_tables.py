"""The seed's tables ("Impact van casemanagement"), reproduced from twelve raw sheets.

One cell of the seed is inconsistent: "Zijn ze stabieler dan voorheen?" prints 3 / 9 / 0 with
8% don't-know. We reproduce the counts (3 yes, 9 no, 0 don't know) and so 25% / 75% / 0%.
"""

import csv
import io

import pytest

from parcours.instruments.transfer import import_responses
from parcours.privacy.audit import Actor
from parcours.reports.cohort import Cohort, compute, display_percent

IMPACT = ["negative", "none", "limited", "some", "huge", "dont_know"]
YND = ["yes", "no", "dont_know", "no_answer"]
# question: counts in the seed's column order (impact: 6 columns; ynd: yes, no, dk, no answer)
SEED = {
    "cm_procedures": [0, 1, 2, 6, 3, 0],
    "cm_risk": [0, 1, 0, 6, 3, 2],
    "cm_trust": [0, 2, 4, 3, 2, 1],
    "c1_impact": [0, 0, 1, 7, 3, 1],
    "c2_impact": [0, 6, 1, 1, 3, 1],
    "c3_impact": [0, 1, 1, 7, 3, 0],
    "c1_more_information": [12, 0, 0, 0],
    "c1_constructive_choices": [7, 3, 2, 0],
    "c1_trust_procedures": [8, 1, 3, 0],
    "c1_engaged": [9, 2, 1, 0],
    "c1_consequences": [11, 1, 0, 0],
    "c2_initiative": [9, 2, 0, 1],
    "c2_rights": [8, 2, 1, 1],
    "c2_options": [9, 1, 0, 2],
    "c2_conditions": [1, 3, 7, 1],
    "c2_authorities_informed": [6, 4, 1, 1],
    "c3_less_vulnerable": [6, 5, 1, 0],
    "c3_more_hope": [7, 2, 3, 0],
    "c3_trust_system": [6, 3, 3, 0],
    "c3_psychosocial": [9, 2, 1, 0],
    "c3_livelihood": [3, 8, 1, 0],
    "c3_housing": [1, 11, 0, 0],
    "c3_stability": [3, 9, 0, 0],
}
# The seed's printed "positive impact" and percentage columns.
POSITIVE = {
    "cm_procedures": 75,
    "cm_risk": 75,
    "cm_trust": 42,
    "c1_impact": 83,
    "c2_impact": 33,
    "c3_impact": 83,
}
PERCENT = {  # yes, no, don't know
    "c1_constructive_choices": (58, 25, 17),
    "c1_trust_procedures": (67, 8, 25),
    "c1_engaged": (75, 17, 8),
    "c1_consequences": (92, 8, 0),
    "c2_initiative": (75, 17, 0),
    "c2_rights": (67, 17, 8),
    "c2_options": (75, 8, 0),
    "c2_conditions": (8, 25, 58),
    "c2_authorities_informed": (50, 33, 8),
    "c3_less_vulnerable": (50, 42, 8),
    "c3_more_hope": (58, 17, 25),
    "c3_trust_system": (50, 25, 25),
    "c3_psychosocial": (75, 17, 8),
    "c3_livelihood": (25, 67, 8),
    "c3_housing": (8, 92, 0),
    "c3_stability": (25, 75, 0),
}


def seed_csv(case_numbers) -> str:
    columns = {}
    for code, counts in SEED.items():
        choices = IMPACT if len(counts) == 6 else YND
        values = [c for c, n in zip(choices, counts, strict=True) for _ in range(n)]
        columns[code] = ["" if v == "no_answer" else v for v in values]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["case", *columns])
    for i, case in enumerate(case_numbers):
        writer.writerow([case, *(columns[c][i] for c in columns)])
    return out.getvalue()


@pytest.fixture
def seed_report(make_family, coordinator, project):
    families = [make_family("active") for _ in range(12)]
    import_responses(
        Actor(coordinator),
        "client_summary_sheet",
        project,
        "seed.csv",
        seed_csv([f.case_number for f in families]).encode(),
    )
    return compute(Cohort(projects=[project]))


def test_the_report_gives_back_the_seeds_counts(seed_report):
    assert seed_report["n_sheets"] == 12 and seed_report["families"] == 12
    for code, counts in SEED.items():
        table = seed_report["questions"][code]["counts"]
        choices = IMPACT if len(counts) == 6 else YND
        assert [table[c] for c in choices] == counts, code
        if len(counts) == 6:
            assert table["no_answer"] == 0


def test_the_report_gives_back_the_seeds_percentages(seed_report):
    questions = seed_report["questions"]
    for code, shown in POSITIVE.items():
        assert display_percent(questions[code]["positive_percent"]) == shown, code
    for code, shown in PERCENT.items():
        percent = questions[code]["percent"]
        got = tuple(display_percent(percent[c]) for c in ("yes", "no", "dont_know"))
        assert got == shown, code


def test_the_json_keeps_exact_values_and_every_choice(seed_report):
    table = seed_report["questions"]["cm_trust"]
    assert table["percent"]["limited"] == pytest.approx(100 * 4 / 12)
    assert set(table["counts"]) == {*IMPACT, "no_answer"}
    assert "positive_percent" not in seed_report["questions"]["c3_housing"]
    assert seed_report["coverage"]["percent"] == 100.0


@pytest.mark.parametrize(
    ("value", "shown"),
    [(100 * 1 / 12, 8), (100 * 7 / 12, 58), (100 * 5 / 12, 42), (12.5, 13), (87.5, 88)],
)
def test_display_rounds_half_up(value, shown):
    assert display_percent(value) == shown
