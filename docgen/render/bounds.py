"""Bounds on what a template may build: no tag can exhaust the machine's memory or time.

Every way Jinja offers to make a large string or structure from a small one is checked
*before* the work is done, where the size can be told in advance (``center(10**9)``, format
widths, ``*``, ``+``, ``replace``, ``join``, ``indent`` …), and the result measured after
(``~`` concatenation, filters).  A render also has a budget: the characters it builds and
prints in total (a loop doubling a ``namespace`` value, a loop printing a long paragraph
again and again) and its time (``TIME_LIMIT`` seconds per template per record, checked at
every loop iteration and every call).  Going over raises ``TooLarge`` or ``TooSlow``, which
the compiled template turns into a message naming the template and the paragraph.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.sandbox import SecurityError

MAX_TEXT = 10_000_000  # characters of one value a template builds
MAX_ITEMS = 1_000_000  # items of one list a template builds
MAX_OUTPUT = 50_000_000  # characters of one rendered part (about 50 MB and more of XML)
MAX_BUILT = 100_000_000  # characters one render may build and print in all
TIME_LIMIT = 30.0  # seconds per template per record
LOOP_FILTER = "docgen-loop"  # not a name a template can write: set on every {% for %}


class TooLarge(SecurityError):
    """Raised when a tag would build more than the bounds allow; ``what`` is the operation."""

    lineno: int | None = None  # set when raised outside the template's own code

    def __init__(self, what: str, limit: int):
        super().__init__(what)
        self.what = what
        self.limit = limit


class TooSlow(SecurityError):
    """Raised when a render runs past its time limit."""

    def __init__(self, seconds: float):
        super().__init__(f"{seconds:g} s")
        self.seconds = seconds


@dataclass
class Budget:
    """What one render (one template, one record) may still spend."""

    deadline: float
    seconds: float
    built: int = 0

    def spend(self, size: int, what: str) -> None:
        self.built += size
        if self.built > MAX_BUILT:
            raise TooLarge(what, MAX_BUILT)
        if time.monotonic() > self.deadline:
            raise TooSlow(self.seconds)

    def loop(self, iterable: Iterable, static: int) -> Iterator:
        for item in iterable:
            self.spend(static, "for")
            yield item


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "docgen_budget", default=None
)


@contextlib.contextmanager
def budget() -> Iterator[Budget]:
    """A fresh budget for the render inside the ``with`` block."""
    seconds = TIME_LIMIT
    token = _BUDGET.set(Budget(time.monotonic() + seconds, seconds))
    try:
        yield _BUDGET.get()  # type: ignore[misc]
    finally:
        _BUDGET.reset(token)


def spend(size: int, what: str) -> None:
    """Count ``size`` characters against the current render's budget (if one is running)."""
    current = _BUDGET.get()
    if current is not None:
        current.spend(size, what)


def expect(size: int, what: str, limit: int = MAX_TEXT) -> None:
    """Refuse, before doing it, an operation that would build ``size`` characters or items."""
    if size > limit:
        raise TooLarge(what, limit)


def built(value, what: str):
    """``value`` as built by a template operation, measured and counted."""
    if isinstance(value, (str, bytes, list, tuple, dict)):
        limit = MAX_TEXT if isinstance(value, (str, bytes)) else MAX_ITEMS
        if len(value) > limit:
            raise TooLarge(what, limit)
        spend(len(value), what)
    return value


def loop_guard(iterable, static: int = 0):
    """The iterable of a ``{% for %}``: each iteration counts the loop body's own text and
    checks the time."""
    current = _BUDGET.get()
    if current is None:
        return iterable
    return current.loop(iterable, static)


def guard_loops(tree: nodes.Template, environment) -> None:
    """Route every ``{% for %}`` of a parsed template through ``loop_guard``."""
    for node in tree.find_all(nodes.For):
        static = sum(len(d.data) for d in node.find_all(nodes.TemplateData))
        guard = nodes.Filter(node.iter, LOOP_FILTER, [nodes.Const(static)], [], None, None)
        guard.set_lineno(node.lineno)
        guard.set_environment(environment)
        node.iter = guard


# --------------------------------------------------------------------------- size checks


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")


def check_percent(fmt, args) -> None:
    """``"%10000000s" % x``: widths and precisions of %-formatting, given or taken from args."""
    if not isinstance(fmt, str):
        return
    values = args if isinstance(args, tuple) else (args,)
    for m in _PERCENT.finditer(fmt):
        for number in m.groups():
            if number == "*":
                if any(_int(v) > MAX_TEXT for v in values):
                    raise TooLarge("%*", MAX_TEXT)
            elif number and (len(number) > 8 or int(number) > MAX_TEXT):
                raise TooLarge(f"%{number}", MAX_TEXT)


def check_format(fmt: str, args, kwargs) -> None:
    """``"{:>999999999}".format(x)``: widths in str.format specs, nested ones included."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # the call itself says what is wrong
    for _literal, _field, spec, _conversion in fields:
        if not spec:
            continue
        for number in re.findall(r"\d+", spec):
            if len(number) > 8 or int(number) > MAX_TEXT:
                raise TooLarge(f"{{:{spec[:20]}}}", MAX_TEXT)
        if "{" in spec and any(_int(v) > MAX_TEXT for v in (*args, *(kwargs or {}).values())):
            raise TooLarge(f"{{:{spec[:20]}}}", MAX_TEXT)


def _size(value) -> int:
    try:
        return len(value)
    except TypeError:
        return len(str(value))


def check_binop(operator: str, left, right) -> None:
    """``+`` and ``*`` on text and lists, ``%`` formatting."""
    if operator == "+":
        if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            limit = MAX_TEXT if isinstance(left, str) else MAX_ITEMS
            expect(len(left) + len(right), "+", limit)
    elif operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                limit = MAX_TEXT if isinstance(seq, (str, bytes)) else MAX_ITEMS
                expect(len(seq) * times, f"{type(seq).__name__} * {times}", limit)
    elif operator == "%":
        check_percent(left, right)


def _growth_of_str_method(obj, name: str, args, kwargs) -> int | None:
    """The size ``obj.name(*args)`` will have, for the methods of str that can grow it."""
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(obj), _int(args[0] if args else kwargs.get("width")))
    if name == "expandtabs":
        tab = _int(args[0] if args else kwargs.get("tabsize", 8), 8)
        return len(obj) + obj.count("\t") * tab
    if name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        count = obj.count(old) if old else len(obj) + 1
        if len(args) > 2 and _int(args[2], -1) >= 0:
            count = min(count, args[2])
        return len(obj) + count * len(new)
    if name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            return sum(_size(x) for x in items) + len(obj) * len(items)
    if name == "translate" and args and isinstance(args[0], dict):
        longest = max((_size(v) for v in args[0].values() if v is not None), default=1)
        return len(obj) * max(longest, 1)
    return None


def check_call(obj, args, kwargs) -> None:
    """A call of a method of str or bytes that could build a huge value."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, (str, bytes)):
        size = _growth_of_str_method(owner, name, args, kwargs)
        if size is not None:
            expect(size, f".{name}()")


# --------------------------------------------------------------------------- filters


def _center(value, width=80, *_a, **_k):
    expect(max(_size(value), _int(width)), f"center({width})")


def _indent(value, width=4, *_a, **_k):
    unit = _int(width) if not isinstance(width, str) else len(width)
    text = str(value)
    expect(len(text) + (text.count("\n") + 1) * unit, f"indent({unit})")


def _format(value, *args, **kwargs):
    check_percent(str(value), tuple(args) or kwargs)


def _wordwrap(value, width=79, break_long_words=True, wrapstring=None, *_a, **_k):
    text = str(value)
    lines = len(text) // max(_int(width, 79), 1) + text.count("\n") + 1
    expect(len(text) + lines * len(wrapstring or "\n"), "wordwrap")


def _replace(value, old, new, count=None):
    text, old, new = str(value), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if _int(count, -1) >= 0:
        times = min(times, count)
    expect(len(text) + times * len(new), "replace")


def _join(value, d="", attribute=None):
    items = list(value) if not isinstance(value, (list, tuple)) else value
    if attribute is None:
        expect(sum(_size(x) for x in items) + len(str(d)) * len(items), "join")
    else:
        expect(len(str(d)) * len(items), "join")


def _batch(value, linecount, *_a, **_k):
    expect(_int(linecount), f"batch({linecount})", MAX_ITEMS)


def _slice(value, slices, *_a, **_k):
    expect(_int(slices), f"slice({slices})", MAX_ITEMS)


def _tojson(value, indent=None):
    expect(_int(indent), f"tojson(indent={indent})", 64)


def _sum(iterable, attribute=None, start=0):
    if isinstance(start, (list, tuple)) and isinstance(iterable, (list, tuple)):
        expect(sum(_size(x) for x in iterable) + len(start), "sum", MAX_ITEMS)


# filter name → the check of its arguments (the value first, without Jinja's pass-arg)
FILTER_CHECKS: dict[str, Callable] = {
    "center": _center,
    "indent": _indent,
    "format": _format,
    "wordwrap": _wordwrap,
    "replace": _replace,
    "join": _join,
    "batch": _batch,
    "slice": _slice,
    "tojson": _tojson,
    "sum": _sum,
}


def bounded_filter(name: str, func: Callable) -> Callable:
    """``func`` (a Jinja filter) with its arguments checked before and its result measured."""
    check = FILTER_CHECKS.get(name)
    passes = getattr(func, "jinja_pass_arg", None)

    def run(*args, **kwargs):
        prefix = args[:1] if passes is not None else ()
        given = args[len(prefix) :]
        if check is not None:
            if name == "join" and given and not isinstance(given[0], (list, tuple)):
                # an iterator is read once: check and join the same items
                given = (list(given[0]), *given[1:])
            check(*given, **kwargs)
        return built(func(*prefix, *given, **kwargs), name)

    run.__name__ = getattr(func, "__name__", name)
    if passes is not None:
        run.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return run
