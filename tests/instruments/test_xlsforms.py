"""The shipped XLSForms: the codes of INSTRUMENTS.md exactly, three languages, valid for ODK."""

import io

import pytest
from openpyxl import Workbook
from pyxform.xls2xform import convert

from parcours.instruments.models import FORMS_DIR
from parcours.instruments.xlsform import XLSFormError, read

BASELINE = [
    "b01_dropout_risk",
    "b02_self_reliance",
    "b03_trust_authorities",
    "b04_trust_lawyers",
    "b05_informed",
    "b06_agency",
    "b07_eager_to_cooperate",
    "b08_wellbeing",
    "b09_vulnerability",
    "b10_hope",
    "b11_housing_quality",
    "b12_social_network",
    "b13_housing_stability",
    "b14_detention_risk",
]
CSS = [
    "p01_gender",
    "p02_age",
    "p03_nationality",
    "p04_vulnerabilities",
    "p05_family_ties",
    "p06_placement",
    "p07_length_of_stay",
    "p08_detention",
    "p09_time_in_project",
    "p10_interaction",
    "p11_referral_route",
    "p12_released",
    "p13_known_before",
    "p14_risk_at_intake",
    "p15_engagement",
    "p16_notes",
    "cm_procedures",
    "cm_risk",
    "cm_trust",
    "c1_impact",
    "c1_barriers",
    "c1_more_information",
    "c1_constructive_choices",
    "c1_trust_procedures",
    "c1_engaged",
    "c1_consequences",
    "c2_impact",
    "c2_barriers",
    "c2_initiative",
    "c2_rights",
    "c2_options",
    "c2_conditions",
    "c2_authorities_informed",
    "c3_impact",
    "c3_barriers",
    "c3_less_vulnerable",
    "c3_more_hope",
    "c3_trust_system",
    "c3_psychosocial",
    "c3_livelihood",
    "c3_housing",
    "c3_stability",
    "final_remarks",
]
CASE_STUDY = [
    "cs_profile",
    "cs_screening_assessment",
    "cs_case_planning",
    "cs_interventions",
    "cs_review",
    "cs_closure_outcome",
]
LISTS = {
    "impact": ["negative", "none", "limited", "some", "huge", "dont_know"],
    "ynd": ["yes", "no", "dont_know"],
    "vulnerability": [
        "child",
        "pregnant_or_nursing",
        "single_or_primary_carer",
        "gender_based_domestic_violence",
        "sogi",
        "physical_mental_health",
        "suicide_risk",
        "disability",
        "elderly",
        "drug_addiction",
        "destitution",
        "refugee_asylum_seeker",
        "torture_trauma_survivor",
        "violent_crime_survivor",
        "trafficking_victim",
        "stateless",
        "minority_at_risk",
    ],
    "referral_route": [
        "from_detention",
        "from_community",
        "referred_by_organisation",
        "self_referral",
        "other",
    ],
    "risk": ["high", "medium", "low", "dont_know"],
    "engagement": ["in_contact", "stopped", "absconded", "case_closed", "re_detained", "other"],
}


def _definition(code):
    return read((FORMS_DIR / f"{code}.xlsx").read_bytes())


@pytest.mark.parametrize("code", ["baseline", "client_summary_sheet", "case_study"])
def test_pyxform_converts_each_form_without_warning(code):
    warnings = []
    result = convert(xlsform=str(FORMS_DIR / f"{code}.xlsx"), warnings=warnings)
    assert warnings == []
    assert f'id="{code}"' in result.xform and "<h:html" in result.xform


def test_the_codes_are_the_contract():
    assert [q.name for q in _definition("baseline").answerable] == [
        n for code in BASELINE for n in (code, f"{code}_why")
    ]
    assert [q.name for q in _definition("client_summary_sheet").answerable] == CSS
    assert [q.name for q in _definition("case_study").answerable] == CASE_STUDY
    css = _definition("client_summary_sheet")
    assert {
        name: [c for c, _l in items] for name, items in css.choices.items() if name in LISTS
    } == LISTS
    kinds = {q.name: (q.type, q.list_name) for q in css.answerable}
    assert kinds["p04_vulnerabilities"] == ("select_multiple", "vulnerability")
    assert all(
        kinds[c] == ("select_one", "impact")
        for c in ("cm_procedures", "cm_risk", "cm_trust", "c1_impact", "c2_impact", "c3_impact")
    )
    assert kinds["c3_stability"] == ("select_one", "ynd")


@pytest.mark.parametrize("code", ["baseline", "client_summary_sheet", "case_study"])
def test_every_label_exists_in_dutch_french_and_english(code):
    definition = _definition(code)
    for question in definition.questions:
        assert set(question.labels) >= {"nl", "fr", "en"}, question.name
    for items in definition.choices.values():
        for choice, labels in items:
            assert set(labels) >= {"nl", "fr", "en"}, choice


def _book(survey_rows, choices=(("yn", "yes", "Yes"),), settings=("x", "1")):
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label::English (en)", "relevant", "constraint", "default"])
    for row in survey_rows:
        sheet.append(list(row))
    chosen = book.create_sheet("choices")
    chosen.append(["list_name", "name", "label::English (en)"])
    for row in choices:
        chosen.append(list(row))
    setting = book.create_sheet("settings")
    setting.append(["form_id", "version"])
    setting.append(list(settings))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        # pyxform's own judgement, as ODK Collect and KoboToolbox would refuse the form
        ([("text", "a", "A"), ("text", "a", "A again")], "[row : 3]"),
        ([("text", "t", "T", "${missing} = 'x'")], "Could not find the name 'missing'"),
        ([("begin_group", "g", "G"), ("text", "t", "T")], "Unmatched 'begin_group'"),
        ([("select_one colours", "c", "C")], "colours"),
        # then what Parcours' web form renders
        ([("geopoint", "where", "Where?")], "survey row 2: the type 'geopoint' is not supported"),
        (
            [("select_one_from_file places.csv", "p", "P")],
            "survey row 2: the type 'select_one_from_file places.csv' is not supported",
        ),
        ([("integer", "n", "N", "", "now() > 1")], "survey row 2, constraint"),
        (
            [
                ("begin_group", "g", "G"),
                ("text", "a", "A"),
                ("end_group", "", ""),
                ("text", "a", "A elsewhere"),
            ],
            "survey row 5: the name 'a' is used twice",
        ),
        ([("text", "t", "T", "", "", "yes")], "survey row 2: 'default' is not supported"),
    ],
)
def test_an_unsupported_xlsform_is_refused_naming_its_row(rows, problem):
    with pytest.raises(XLSFormError) as refused:
        read(_book(rows))
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(XLSFormError, match=r"not a readable \.xlsx workbook"):
        read(b"not a spreadsheet")
