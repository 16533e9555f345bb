"""Parse a RUN body with tree-sitter-bash into a Script of commands and steps."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .command import Command
from .script import Script, Step
from .source import Source, Span
from .words import Assignment, Word, assignment_of, assignment_word, word_of
from .wrappers import unwrap

if TYPE_CHECKING:  # tree-sitter is imported when a script is first parsed, not with the package
    from tree_sitter import Node, Parser

_SIMPLE = frozenset({"command", "declaration_command", "unset_command"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_OPERATORS = frozenset({"&&", "||", ";", "&"})
_NOT_STEPS = frozenset({"comment", "ERROR"})

# Link: a top-level statement node, the operator token before it (or "\n"), its span.
_Link = tuple["Node", str | None, Span | None]


@cache
def _parser() -> Parser:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


def parse_script(text: str) -> Script:
    """Parse ``text`` (one shell script); never raises on bad syntax."""
    src = Source.of(text)
    root = _parser().parse(src.data).root_node
    links, ends = _chain(root, src)
    membership: dict[int, tuple[int, bool]] = {}
    for index, (node, _, _) in enumerate(links):
        body = _body(node)
        if body.type in _SIMPLE:
            membership[body.id] = (index, True)
        elif _kind(node) == "pipeline":
            for member in _pipeline_members(node):
                if member.type in _SIMPLE:
                    membership[member.id] = (index, False)
    commands: list[Command] = []
    _Collector(src, membership, commands).visit(root)
    step_commands = {c.step_index: c for c in commands if c.top_level}
    chain = tuple(
        Step(_kind(node), src.span(node.start_byte, ends.get(node.end_byte, node.end_byte)), op, op_span,
             step_commands.get(i))
        for i, (node, op, op_span) in enumerate(links)
    )
    return Script(text, tuple(commands), chain, root.has_error)


# --- the top-level chain -------------------------------------------------------


def _chain(root: Node, src: Source) -> tuple[list[_Link], dict[int, int]]:
    """Top-level statements, flattening ``&&``/``||`` lists, with their joining operators; and where a
    step really ends when tree-sitter hangs its redirect on the whole list (end byte -> end byte).

    Iterative (an explicit stack in source order): a RUN of thousands of ``&&`` steps nests as
    deep as it is long.
    """
    links: list[_Link] = []
    ends: dict[int, int] = {}
    pending: Node | None = None
    last_end = 0
    stack: list[tuple[bool, Node]] = [(False, root)]  # (is an operator, node)
    while stack:
        is_operator, node = stack.pop()
        if is_operator:
            pending = node
            continue
        body = _body(node)
        if body.type == "list" and body is not node:
            # `a && b | c > f`: tree-sitter-bash hangs the redirect on the whole list; the shell
            # redirects only the last step, whose span takes the redirect in.
            ends[body.end_byte] = ends.get(node.end_byte, node.end_byte)
            node = body
        if node.type in ("program", "list"):
            parts = [(child.type in _OPERATORS, child) for child in node.children
                     if (child.type in _OPERATORS and not child.is_missing)
                     or (child.is_named and child.type not in _NOT_STEPS)]
            stack.extend(reversed(parts))
            continue
        if pending is not None:
            op: str | None = pending.type
            op_span: Span | None = src.span(pending.start_byte, pending.end_byte)
        elif links:
            op, op_span = "\n", _newline_before(src, last_end, node)
        else:
            op, op_span = None, None
        pending = None
        links.append((node, op, op_span))
        last_end = max(last_end, node.end_byte)
        # tree-sitter-bash puts `cat <<EOF && next` 's `&& next` inside the heredoc redirect.
        follow: list[tuple[bool, Node]] = []
        for redirect in node.children_by_field_name("redirect"):
            operator = redirect.child_by_field_name("operator")
            right = redirect.child_by_field_name("right")
            if operator is not None and right is not None:
                follow += [(True, operator), (False, right)]
        stack.extend(reversed(follow))
    return links, ends


def _newline_before(src: Source, after_byte: int, node: Node) -> Span | None:
    start, _ = src.span(after_byte, after_byte)
    end, _ = src.span(node.start_byte, node.start_byte)
    at = src.text.find("\n", start, end)
    return (at, at + 1) if at != -1 else None


def _body(node: Node) -> Node:
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        if body is not None:
            return body
    return node


def _heredoc_pipelines(node: Node) -> list[Node]:
    """``cat <<EOF | sh``: tree-sitter-bash hangs the ``| sh`` under the heredoc redirect."""
    return [
        child
        for redirect in node.children_by_field_name("redirect")
        if redirect.type == "heredoc_redirect"
        for child in redirect.named_children
        if child.type == "pipeline"
    ]


def _kind(node: Node) -> str:
    if node.type == "redirected_statement" and _heredoc_pipelines(node):
        return "pipeline"
    return _body(node).type


def _pipeline_members(node: Node) -> list[Node]:
    if node.type == "pipeline":
        return [m for child in node.named_children for m in _pipeline_members(child)]
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        members = _pipeline_members(body) if body is not None else []
        return members + [m for p in _heredoc_pipelines(node) for m in _pipeline_members(p)]
    return [node]


# --- commands --------------------------------------------------------------------


class _Collector:
    """Walks the tree in source order, building a Command per simple command."""

    def __init__(self, src: Source, membership: dict[int, tuple[int, bool]], out: list[Command]):
        self.src = src
        self.membership = membership
        self.out = out

    def visit(self, root: Node) -> None:
        """Every simple command under ``root`` in source order (iteratively: chains nest deep)."""
        stack: list[tuple[Node, tuple[Node, ...]]] = [(root, ())]
        while stack:
            node, outer_redirects = stack.pop()
            stack.extend(reversed(self._step(node, outer_redirects)))

    def _step(self, node: Node, outer_redirects: tuple[Node, ...]) -> list[tuple[Node, tuple[Node, ...]]]:
        """Record ``node`` if it is a simple command; return its children to visit, in order."""
        kind = node.type
        if kind in _SIMPLE:
            self.out.append(self.command(node, outer_redirects))
        elif kind == "redirected_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                redirects = tuple(node.children_by_field_name("redirect")) + outer_redirects
                passes_on = body.type in _SIMPLE or body.type in ("pipeline", "list")
                return [(body, redirects if passes_on else ())] + [
                    (redirect, ()) for redirect in node.children_by_field_name("redirect")]
        elif kind in ("pipeline", "list") and outer_redirects:
            # `a | b > f` and `a && b > f`: tree-sitter wraps the whole, bash redirects only `b`.
            members = [c for c in node.children if c.is_named]
            return [(child, outer_redirects if child == members[-1] else ()) for child in node.children]
        return [(child, ()) for child in node.children if child.child_count]  # leaves hold no commands

    def command(self, node: Node, outer_redirects: tuple[Node, ...]) -> Command:
        src = self.src
        env: list[Assignment] = []
        redirects: list[Node] = list(outer_redirects)
        argv: list[Word] = []
        if node.type == "command":
            pieces: list[Node] = []
            for i, child in enumerate(node.children):
                field = node.field_name_for_child(i)
                if child.type == "variable_assignment":
                    env.append(assignment_of(child, src))
                elif child.type in _REDIRECTS:
                    redirects.append(child)
                elif field == "name":
                    argv.append(word_of(child.children, src))
                elif field == "argument":
                    pieces.append(child)
            redirect_spans: list[Span] = []
            for redirect in sorted(redirects, key=lambda r: r.start_byte):
                spans, stray = _split_redirect(redirect, src)
                redirect_spans += spans
                pieces += stray
            argv.extend(word_of(group, src) for group in _adjacent_groups(pieces))
        else:  # declaration_command / unset_command: keyword, then its arguments
            keyword, *rest = node.children
            start, end = src.span(keyword.start_byte, keyword.end_byte)
            text = src.text[start:end]
            argv.append(Word(text, text, (start, end), True))
            for child in rest:
                if child.type == "variable_assignment":
                    argv.append(assignment_word(child, src))
                elif child.type in _REDIRECTS:
                    redirects.append(child)
                elif child.is_named:
                    argv.append(word_of([child], src))
            redirect_spans = [span for r in redirects for span in _split_redirect(r, src)[0]]
        if not argv:  # only after error recovery: a command with no command word
            start, _ = src.span(node.start_byte, node.start_byte)
            argv.append(Word("", None, (start, start), False))
        start_byte = min([node.start_byte] + [r.start_byte for r in redirects])
        end_byte = max([node.end_byte] + [r.end_byte for r in redirects])
        found = unwrap(tuple(argv))
        step_index, top_level = self.membership.get(node.id, (None, False))
        return Command(
            span=src.span(start_byte, end_byte),
            name=found.name,
            name_span=argv[found.index].span,
            words=tuple(argv[found.index + 1 :]),
            env=tuple(env) + found.env,
            redirects=tuple(redirect_spans),
            wrappers=found.wrappers,
            argv=tuple(argv),
            top_level=top_level,
            step_index=step_index,
        )


def _split_redirect(redirect: Node, src: Source) -> tuple[list[Span], list[Node]]:
    """A redirect's own spans, and argument words tree-sitter-bash misfiled under it.

    ``cmd >f arg`` parses as one redirect with destinations ``f`` and ``arg``.
    A heredoc yields ``<<EOF``, any redirects on its line, and body-to-delimiter.
    """
    if redirect.type == "file_redirect":
        destinations = redirect.children_by_field_name("destination")
        if len(destinations) > 1:
            return [src.span(redirect.start_byte, destinations[0].end_byte)], destinations[1:]
    elif redirect.type == "heredoc_redirect":
        spans: list[Span] = []
        stray: list[Node] = []
        line_end = redirect.start_byte
        for child in redirect.children:
            if child.type in ("heredoc_body", "heredoc_end"):
                body_start = src.data.find(b"\n", line_end, child.start_byte) + 1 or child.start_byte
                spans.append(src.span(body_start, redirect.end_byte))
                break
            line_end = child.end_byte
            if child.type == "heredoc_start":
                spans.append(src.span(redirect.start_byte, child.end_byte))
            elif child.type in _REDIRECTS:
                inner_spans, inner_stray = _split_redirect(child, src)
                spans += inner_spans
                stray += inner_stray
        return spans, stray
    return [src.span(redirect.start_byte, redirect.end_byte)], []


def _adjacent_groups(nodes: list[Node]) -> list[list[Node]]:
    """Group nodes with no gap between them: one shell word (``$"x"`` splits in two)."""
    groups: list[list[Node]] = []
    for node in sorted(nodes, key=lambda n: n.start_byte):
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    return groups
