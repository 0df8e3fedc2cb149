r"""The subset of XLSForm (XPath) expressions that Parcours evaluates in `relevant` and
`constraint` columns.

Supported: ``${name}`` and ``.`` (the question itself), numbers and quoted strings, the
comparisons ``= != < <= > >=``, ``and``, ``or``, ``+ -`` (and unary minus), parentheses, and
the functions ``not()``, ``selected(${m}, 'code')``, ``count-selected(${m})``,
``string-length(x)`` and ``regex(x, 'pattern')``. Anything else is refused when the form is
loaded, naming its row.

Evaluated as ODK (JavaRosa, XPath 1.0) evaluates them: an integer or decimal question's answer
is a number, every other answer text (``Definition.xpath_values``); ``=`` and ``!=`` compare as
numbers when either side is a number and as text otherwise (``'01' = '1'`` is false);
``< <= > >=`` compare as numbers, and text that is not a number makes them false; a question
left empty is empty text; ``regex()`` searches with Java's ASCII classes (``\w`` is
``[A-Za-z0-9_]``).
"""

import math
import re
from collections.abc import Callable

TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][\w.-]*\})|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<string>'[^']*'|\"[^\"]*\")|(?P<op><=|>=|!=|=|<|>|\+|-|\(|\)|,)"
    r"|(?P<name>[A-Za-z][\w-]*)|(?P<dot>\.))"
)
FUNCTIONS = {"not", "selected", "count-selected", "string-length", "regex"}


class ExpressionError(ValueError):
    """The expression is outside the supported subset."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent into a tree of closures: compile once, evaluate per answer set."""

    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0
        self.refs: set[str] = set()

    def peek(self, value=None):
        if self.i < len(self.tokens):
            token = self.tokens[self.i]
            if value is None or token[1] == value:
                return token
        return None

    def take(self, value=None):
        token = self.peek(value)
        if token is None:
            raise ExpressionError(f"expected {value or 'more'} at token {self.i + 1}")
        self.i += 1
        return token

    def parse(self) -> Callable:
        tree = self.or_()
        if self.i != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.i][1]!r}")
        return tree

    def or_(self):
        left = self.and_()
        while self.peek("or"):
            self.take()
            a, b = left, self.and_()
            left = lambda env, a=a, b=b: _truth(a(env)) or _truth(b(env))  # noqa: E731
        return left

    def and_(self):
        left = self.cmp()
        while self.peek("and"):
            self.take()
            a, b = left, self.cmp()
            left = lambda env, a=a, b=b: _truth(a(env)) and _truth(b(env))  # noqa: E731
        return left

    def cmp(self):
        left = self.add()
        token = self.peek()
        if token and token[1] in ("=", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            a, b = left, self.add()
            return lambda env: _compare(op, a(env), b(env))
        return left

    def add(self):
        left = self.unary()
        while self.peek("+") or self.peek("-"):
            op = self.take()[1]
            a, b = left, self.unary()
            left = lambda env, a=a, b=b, op=op: _arith(op, a(env), b(env))  # noqa: E731
        return left

    def unary(self):
        if self.peek("-"):
            self.take()
            inner = self.unary()
            return lambda env: -_number(inner(env))
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "number":
            number = float(value)
            return lambda env: number
        if kind == "string":
            text = value[1:-1]
            return lambda env: text
        if kind == "ref":
            name = value[2:-1]
            self.refs.add(name)
            return lambda env: env.get(name)
        if kind == "dot":
            return lambda env: env.get(".")
        if value == "(":
            inner = self.or_()
            self.take(")")
            return inner
        if kind == "name" and value in FUNCTIONS:
            self.take("(")
            args = [] if self.peek(")") else [self.or_()]
            while self.peek(","):
                self.take()
                args.append(self.or_())
            self.take(")")
            return _function(value, args)
        raise ExpressionError(f"{value!r} is not supported")


def _function(name, args):
    arity = {"not": 1, "selected": 2, "count-selected": 1, "string-length": 1, "regex": 2}[name]
    if len(args) != arity:
        raise ExpressionError(f"{name}() takes {arity} argument(s)")
    if name == "not":
        return lambda env: not _truth(args[0](env))
    if name == "selected":
        return lambda env: str(args[1](env)) in _words(args[0](env))
    if name == "count-selected":
        return lambda env: float(len(_words(args[0](env))))
    if name == "string-length":
        return lambda env: float(len(_text(args[0](env))))
    return lambda env: re.search(_text(args[1](env)), _text(args[0](env)), re.ASCII) is not None


def _words(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return _text(value).split()


def _text(value) -> str:
    """XPath's string(): a whole number without its ".0", a choice list space-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _number(value) -> float:
    """XPath's number(): text that is not a number is NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _truth(value) -> bool:
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return bool(value)


def _compare(op, a, b) -> bool:
    """XPath 1.0: = and != as numbers when a side is a number, as booleans when a side is a
    boolean, else as text; the order comparisons always as numbers (NaN makes them false)."""
    if op in ("=", "!="):
        if isinstance(a, bool) or isinstance(b, bool):
            x, y = _truth(a), _truth(b)
        elif isinstance(a, float) or isinstance(b, float):
            x, y = _number(a), _number(b)
        else:
            x, y = _text(a), _text(b)
        return (x == y) if op == "=" else (x != y)
    x, y = _number(a), _number(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _arith(op, a, b) -> float:
    x, y = _number(a), _number(b)
    return x + y if op == "+" else x - y


class Expression:
    """A compiled expression; ``refs`` names the questions it reads."""

    def __init__(self, text: str):
        parser = _Parser(text)
        self.text = text
        self.tree = parser.parse()
        self.refs = parser.refs

    def __call__(self, answers: dict, current=None) -> bool:
        # The answers as they are when "." (the current answer) is not given: a relevance
        # test needs no copy of them, and an import of 44 000 sheets makes 600 000.
        return _truth(self.tree(answers if current is None else {**answers, ".": current}))
