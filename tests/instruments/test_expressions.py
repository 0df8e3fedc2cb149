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
