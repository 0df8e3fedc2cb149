"""The expression subset of relevant and constraint columns."""

import pytest

from parcours.instruments.expressions import Expression, ExpressionError


@pytest.mark.parametrize(
    ("text", "answers", "current", "expected"),
    [
        (". >= 0 and . <= 10", {}, "10", True),
        (". >= 0 and . <= 10", {}, "11", False),
        (". >= 0 and . <= 10", {}, "", False),
        ("${route} = 'from_detention'", {"route": "from_detention"}, None, True),
        ("${route} = 'from_detention'", {}, None, False),
        ("${route} != 'from_detention'", {}, None, True),
        ("not(${a} = 'yes') or ${b} > 2", {"a": "yes", "b": "3"}, None, True),
        ("selected(${v}, 'child')", {"v": ["child", "elderly"]}, None, True),
        ("count-selected(${v}) >= 2", {"v": "child elderly"}, None, True),
        ("string-length(.) <= 3", {}, "abcd", False),
        ("regex(., '^[A-Z]{2}$')", {}, "IQ", True),
        ("${n} + 1 = 3", {"n": "2"}, None, True),
    ],
)
def test_it_evaluates(text, answers, current, expected):
    assert Expression(text)(answers, current) is expected


@pytest.mark.parametrize("text", ["${a} =", "today() > 1", "${a} ~ 'x'", "selected(${a})", "(1"])
def test_it_refuses_what_it_does_not_support(text):
    with pytest.raises(ExpressionError):
        Expression(text)


# What ODK (JavaRosa, XPath 1.0) answers for each expression, beside the answers it reads:
# integer and decimal answers are numbers, every other answer text (Definition.xpath_values).
ODK = [
    ("'01' = '1'", {}, False),  # two texts compare as text
    ("'1' = '1'", {}, True),
    ("${age} = '05'", {"age": 5.0}, True),  # a number on one side: as numbers
    ("${code} = '05'", {"code": "5"}, False),  # a text answer stays text
    ("${age} = 5", {"age": 5.0}, True),
    ("${age} > '4'", {"age": 5.0}, True),
    ("${name} > 4", {"name": "abc"}, False),  # not a number: NaN, every order is false
    ("${name} < 4", {"name": "abc"}, False),
    ("${age} != 3", {"age": ""}, True),  # unanswered: empty text, NaN as a number
    ("${age} = ''", {"age": ""}, True),
    ("5 >= -1", {}, True),  # unary minus
    ("-${n} = -3", {"n": 3.0}, True),
    ("2 - -1 = 3", {}, True),
    ("regex('élodie', '^\\w+$')", {}, False),  # Java's \w is ASCII
    ("regex('Elodie', '^\\w+$')", {}, True),
    ("regex('Élodie', '^[A-ZÉ]')", {}, True),  # letters written out still match
    ("regex('ab12', '[0-9]')", {}, True),  # a search, not a whole match
    ("string-length(${n}) = 2", {"n": 12.0}, True),  # 12, not 12.0
    ("selected(${v}, 'b')", {"v": ["a", "b"]}, True),
    ("${v} = 'a b'", {"v": ["a", "b"]}, True),  # a choice list reads as its codes
    ("count-selected(${v}) = 0", {"v": ""}, True),
]


@pytest.mark.parametrize(("text", "values", "odk"), ODK)
def test_it_answers_as_odk_does(text, values, odk):
    assert Expression(text)(values) is odk


def test_answers_are_typed_by_their_question(db):
    from parcours.instruments.answers import check
    from parcours.instruments.models import InstrumentVersion

    definition = InstrumentVersion.objects.active("baseline").definition
    # ". >= 0 and . <= 10" on an integer: "010" is the number 10, not the text "010".
    answers, errors = check(definition, {"b01_dropout_risk": "010"}, "en", complete=False)
    assert answers["b01_dropout_risk"] == "10" and not errors
