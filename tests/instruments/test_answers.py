"""Checking a sheet's answers: types, choices, relevance, constraints and required questions, as
one rule each, whoever asks (the web form, a phone, an import)."""

from parcours.instruments.answers import check, to_rows
from parcours.instruments.expressions import Expression
from parcours.instruments.xlsform import Definition, Question


def _definition() -> Definition:
    return Definition(
        form_id="t",
        version="1",
        title="t",
        questions=[
            Question("age", "integer", {"en": "Age"}, constraint=Expression(". >= 0")),
            Question("works", "select_one", {"en": "Works"}, list_name="yn", required=True),
            Question(
                "job",
                "text",
                {"en": "Job"},
                relevant=Expression("${works} = 'yes'"),
                required=True,
            ),
            Question("langs", "select_multiple", {"en": "Languages"}, list_name="lang"),
            Question(
                "since",
                "date",
                {"en": "Since"},
                relevant=Expression("${job} != ''"),
                constraint=Expression(". != '2020-01-01'"),
                constraint_messages={"en": "Not that day", "fr": "Pas ce jour"},
            ),
            Question("note", "note", {"en": "Read this"}),
            Question("share", "decimal", {"en": "Share"}),
        ],
        choices={"yn": [("yes", {}), ("no", {})], "lang": [("nl", {}), ("fr", {})]},
        groups={},
    )


def test_answers_are_typed_and_kept_in_their_stored_form():
    answers, errors = check(
        _definition(),
        {"age": " 042 ", "works": "yes", "job": "cook", "langs": "fr nl", "share": "0.50"},
        "en",
        complete=True,
    )
    assert errors == {}
    assert answers == {
        "age": "42",
        "works": "yes",
        "job": "cook",
        "langs": ["fr", "nl"],
        "share": "0.50",
    }
    assert to_rows(_definition(), answers) == [
        {"code": "age", "value": "42", "text": ""},
        {"code": "works", "value": "yes", "text": ""},
        {"code": "job", "value": "", "text": "cook"},
        {"code": "langs", "value": "fr nl", "text": ""},
        {"code": "share", "value": "0.50", "text": ""},
    ]


def test_bad_values_are_named_by_their_question():
    answers, errors = check(
        _definition(),
        {"age": "old", "works": "maybe", "langs": ["nl", "de"], "share": "half"},
        "en",
        complete=False,
    )
    assert answers == {}
    assert errors == {
        "age": "Enter a whole number.",
        "works": "Not a choice of this question: maybe",
        "langs": "Not a choice of this question: de",
        "share": "Enter a number.",
    }


def test_an_answer_that_no_longer_applies_is_dropped_with_what_depended_on_it():
    # "job" does not apply when "works" is no; "since" depended on "job" and goes too, its
    # constraint never tested.
    answers, errors = check(
        _definition(),
        {"works": "no", "job": "cook", "since": "2020-01-01"},
        "en",
        complete=True,
    )
    assert answers == {"works": "no"}
    assert errors == {}


def test_required_questions_are_asked_only_when_submitting_and_only_where_they_apply():
    assert check(_definition(), {}, "en", complete=False) == ({}, {})
    _answers, errors = check(_definition(), {}, "en", complete=True)
    assert errors == {"works": "This question needs an answer."}
    _answers, errors = check(_definition(), {"works": "yes"}, "en", complete=True)
    assert errors == {"job": "This question needs an answer."}


def test_a_constraint_refuses_with_the_questions_own_message_in_the_language_asked():
    raw = {"works": "yes", "job": "cook", "since": "2020-01-01", "age": "-1"}
    answers, errors = check(_definition(), raw, "fr", complete=False)
    assert errors == {
        "since": "Pas ce jour",
        "age": "This answer is outside what the question allows.",
    }
    assert "since" not in answers and "age" not in answers
