"""Which variables a template needs, read from its Jinja syntax tree.

A variable used *guarded* may be absent from the data, as in docxtpl: ``{{ 备注|default("无") }}``,
``{% if 备注 %}…{% endif %}``, ``{% if 备注 is defined %}{{ 备注 }}{% endif %}``,
``{{ 备注 or "无" }}``.  Everything else — printing it, looping over it, comparing it,
computing with it — needs it, and ``required`` lists those.
"""

from __future__ import annotations

from jinja2 import meta, nodes

# tests that only look at a value: an undefined one is simply not it
_TYPE_TESTS = frozenset(
    {
        "defined",
        "undefined",
        "none",
        "string",
        "number",
        "integer",
        "float",
        "mapping",
        "sequence",
        "iterable",
        "boolean",
        "true",
        "false",
        "callable",
    }
)
_DEFAULT_FILTERS = frozenset({"default", "d"})


def used(tree: nodes.Template) -> set[str]:
    """Every top-level variable the template reads."""
    return set(meta.find_undeclared_variables(tree))


def required(tree: nodes.Template) -> set[str]:
    """The top-level variables the template reads unguarded (see the module's docstring)."""
    names = used(tree)
    found: set[str] = set()
    _Walker(found).visit(tree, frozenset())
    return found & names


def _defined_when_true(test: nodes.Node) -> frozenset[str]:
    """Names a test proves present when it holds: ``x``, ``x is defined``, ``x and y``."""
    if isinstance(test, nodes.Name):
        return frozenset({test.name})
    if (
        isinstance(test, nodes.Test)
        and test.name == "defined"
        and isinstance(test.node, nodes.Name)
    ):
        return frozenset({test.node.name})
    if isinstance(test, nodes.And):
        return _defined_when_true(test.left) | _defined_when_true(test.right)
    return frozenset()


class _Walker:
    """Walks the tree noting names read where a missing value would be an error."""

    def __init__(self, found: set[str]):
        self.found = found

    def visit(self, node: nodes.Node, guarded: frozenset[str]) -> None:
        if isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name not in guarded:
                self.found.add(node.name)
        elif isinstance(node, (nodes.If, nodes.CondExpr)):
            self._branch(node, guarded)
        elif isinstance(node, (nodes.And, nodes.Or, nodes.Not)):
            self.condition(node, guarded)
        elif isinstance(node, nodes.Test):
            self._test(node, guarded)
        elif isinstance(node, nodes.Filter) and node.name in _DEFAULT_FILTERS:
            if node.node is not None and not isinstance(node.node, nodes.Name):
                self.visit(node.node, guarded)
            self._children(node, guarded, skip=node.node)
        else:
            self._children(node, guarded)

    def condition(self, node: nodes.Node, guarded: frozenset[str]) -> None:
        """``node`` used for its truth: a missing name there is false, not an error."""
        if isinstance(node, nodes.Name):
            return
        if isinstance(node, nodes.Not):
            self.condition(node.node, guarded)
        elif isinstance(node, nodes.And):
            self.condition(node.left, guarded)
            self.condition(node.right, guarded | _defined_when_true(node.left))
        elif isinstance(node, nodes.Or):
            self.condition(node.left, guarded)
            self.condition(node.right, guarded)
        else:
            self.visit(node, guarded)

    def _branch(self, node: nodes.If | nodes.CondExpr, guarded: frozenset[str]) -> None:
        self.condition(node.test, guarded)
        proven = guarded | _defined_when_true(node.test)
        if isinstance(node, nodes.CondExpr):
            self.visit(node.expr1, proven)
            if node.expr2 is not None:
                self.visit(node.expr2, guarded)
            return
        for child in node.body:
            self.visit(child, proven)
        for child in [*node.elif_, *node.else_]:
            self.visit(child, guarded)

    def _test(self, node: nodes.Test, guarded: frozenset[str]) -> None:
        if node.name in _TYPE_TESTS and isinstance(node.node, nodes.Name):
            self._children(node, guarded, skip=node.node)
        else:
            self._children(node, guarded)

    def _children(
        self, node: nodes.Node, guarded: frozenset[str], skip: nodes.Node | None = None
    ) -> None:
        for child in node.iter_child_nodes():
            if child is not skip:
                self.visit(child, guarded)
