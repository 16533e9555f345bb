"""The words of a shell-form command line (CMD, ENTRYPOINT) when it is one simple command."""

from __future__ import annotations

from ..shell import parse_script


def shell_form_words(text: str) -> list[str | None] | None:
    """The program and arguments of ``text`` run by ``/bin/sh -c`` (a leading ``exec`` dropped), None for
    a word the shell would expand (a variable, glob, tilde); None overall when ``text`` is not one plain
    command (several commands, redirects, assignments, other wrappers, a syntax error, undecodable bytes)."""
    if not text.strip() or any("\udc80" <= ch <= "\udcff" for ch in text):
        return None
    script = parse_script(text)
    if script.has_errors or len(script.commands) != 1 or len(script.chain) != 1:
        return None
    command = script.commands[0]
    if command.env or command.redirects or command.name is None or any(w != "exec" for w in command.wrappers):
        return None
    if len(command.argv) != len(command.wrappers) + 1 + len(command.words):
        return None  # options of the wrapper (``exec -a name``)
    if not command.argv[len(command.wrappers)].is_static:
        return None
    return [command.name, *(w.value if w.is_static else None for w in command.words)]
