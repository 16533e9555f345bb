"""The shell layer: RUN bodies to commands, words, options and exact spans."""

from __future__ import annotations

import pytest

from optimizer.shell import GRAMMARS, Command, Script, Span, parse_script, program_key, subcommands


def cut(text: str, span: Span | None) -> str | None:
    return None if span is None else text[span[0] : span[1]]


def only(script: Script, name: str) -> Command:
    (found,) = [c for c in script.commands if c.name == name]
    return found


# --- commands: name, subcommand, packages, nesting ------------------------------

COMMANDS = [
    # text, which command (index), name, subcommand, positional, top_level, step_index, source of span
    pytest.param(
        "apt-get update && apt-get install -y curl", 1,
        "apt-get", "install", ["curl"], True, 1, "apt-get install -y curl", id="and-chain",
    ),
    pytest.param(
        "set -eux; apt-get update; apt-get install -y --no-install-recommends a b", 2,
        "apt-get", "install", ["a", "b"], True, 2, "apt-get install -y --no-install-recommends a b",
        id="semicolons",
    ),
    pytest.param(
        "DEBIAN_FRONTEND=noninteractive apt-get -qq install -y x", 0,
        "apt-get", "install", ["x"], True, 0, "DEBIAN_FRONTEND=noninteractive apt-get -qq install -y x",
        id="env-prefix",
    ),
    pytest.param(
        "sudo apt-get install -y x", 0,
        "apt-get", "install", ["x"], True, 0, "sudo apt-get install -y x", id="sudo",
    ),
    pytest.param(
        "sudo -E -u root apt-get install -y x", 0,
        "apt-get", "install", ["x"], True, 0, "sudo -E -u root apt-get install -y x", id="sudo-flags",
    ),
    pytest.param(
        "apt-get -o Acquire::Retries=3 install -y x", 0,
        "apt-get", "install", ["x"], True, 0, "apt-get -o Acquire::Retries=3 install -y x",
        id="apt-o-value-skipped",
    ),
    pytest.param("apt install x", 0, "apt", "install", ["x"], True, 0, "apt install x", id="apt"),
    pytest.param(
        "if [ -f x ]; then apt-get install -y a; fi", 0,
        "apt-get", "install", ["a"], False, None, "apt-get install -y a", id="nested-in-if",
    ),
    pytest.param("(cd x && make)", 1, "make", None, [], False, None, "make", id="subshell"),
    pytest.param("curl x | sh", 1, "sh", None, [], False, 0, "sh", id="pipeline-member"),
    pytest.param(
        "sh -c 'apt-get install x'", 0,
        "sh", "apt-get install x", [], True, 0, "sh -c 'apt-get install x'", id="sh-c-not-parsed",
    ),
    pytest.param("apk add --no-cache x", 0, "apk", "add", ["x"], True, 0, "apk add --no-cache x", id="apk"),
    pytest.param("apk --update add x", 0, "apk", "add", ["x"], True, 0, "apk --update add x", id="apk-global-first"),
    pytest.param(
        "apk add --virtual .deps gcc musl-dev", 0,
        "apk", "add", ["gcc", "musl-dev"], True, 0, "apk add --virtual .deps gcc musl-dev", id="apk-virtual",
    ),
    pytest.param(
        "pip install --no-cache-dir -r requirements.txt", 0,
        "pip", "install", [], True, 0, "pip install --no-cache-dir -r requirements.txt", id="pip-r",
    ),
    pytest.param(
        "python3 -m pip install x", 0,
        "pip", "install", ["x"], True, 0, "python3 -m pip install x", id="python-m-pip",
    ),
    pytest.param("pip3 install --user x", 0, "pip3", "install", ["x"], True, 0, "pip3 install --user x", id="pip3"),
    pytest.param(
        "dnf -y install x && dnf clean all", 1,
        "dnf", "clean", ["all"], True, 1, "dnf clean all", id="dnf",
    ),
    pytest.param("yum install -y x", 0, "yum", "install", ["x"], True, 0, "yum install -y x", id="yum"),
    pytest.param(
        "microdnf --setopt tsflags=nodocs install x", 0,
        "microdnf", "install", ["x"], True, 0, "microdnf --setopt tsflags=nodocs install x", id="microdnf",
    ),
    pytest.param("[[ -n $X ]] && echo $(( 1 + 2 ))", 0, "echo", None, [], True, 1, "echo $(( 1 + 2 ))", id="test-arith"),
    pytest.param("case $x in a) echo;; esac", 0, "echo", None, [], False, None, "echo", id="case"),
    pytest.param("f() { apt-get update; }", 0, "apt-get", "update", [], False, None, "apt-get update", id="function"),
    pytest.param("for p in a b; do pip install $p; done", 0, "pip", "install", [None], False, None, "pip install $p", id="for"),
    pytest.param("echo $(apt-get update)", 1, "apt-get", "update", [], False, None, "apt-get update", id="cmd-subst"),
    pytest.param(
        "apt-get install -y >/dev/null curl", 0,
        "apt-get", "install", ["curl"], True, 0, "apt-get install -y >/dev/null curl", id="arg-after-redirect",
    ),
    pytest.param(
        "nice -n 10 timeout 60 apt-get update", 0,
        "apt-get", "update", [], True, 0, "nice -n 10 timeout 60 apt-get update", id="nice-timeout",
    ),
]


@pytest.mark.parametrize(
    "text, index, name, subcommand, positional, top_level, step_index, source", COMMANDS
)
def test_command(text, index, name, subcommand, positional, top_level, step_index, source):
    script = parse_script(text)
    assert not script.has_errors
    command = script.commands[index]
    assert command.name == name
    assert command.subcommand == subcommand
    assert [w.value for w in command.positional()] == positional
    assert all(text[w.span[0] : w.span[1]] == w.text_raw for w in command.positional())
    assert (command.top_level, command.step_index) == (top_level, step_index)
    assert cut(text, command.span) == source


def test_sh_c_string_is_one_word():
    assert [c.name for c in parse_script("sh -c 'apt-get install x'").commands] == ["sh"]


def test_commands_in_source_order_with_nesting():
    text = "(cd x && make) | tee log; if true; then for i in 1; do echo $(date); done; fi"
    script = parse_script(text)
    assert [c.name for c in script.commands] == ["cd", "make", "tee", "true", "echo", "date"]
    assert [c.step_index for c in script.commands] == [None, None, 0, None, None, None]


# --- is_ -------------------------------------------------------------------------

IS = [
    pytest.param("apt-get update", ("apt-get", "update"), True, id="apt-get-update"),
    pytest.param("apt-get install -y x", ("apt-get", "install"), True, id="apt-get-install"),
    pytest.param("apt-get install -y x", ("apt-get",), True, id="program-only"),
    pytest.param("apt install x", ("apt-get", "install"), False, id="apt-is-not-apt-get"),
    pytest.param("apt-get install x", ("apt", "install"), False, id="apt-get-is-not-apt"),
    pytest.param("/usr/bin/apt-get install x", ("apt-get", "install"), True, id="absolute-path"),
    pytest.param("apt-get -o Dpkg::Options::=--force-confnew -y install x", ("apt-get", "install"), True, id="apt-o"),
    pytest.param("apt-get -qq -c /etc/apt.conf install x", ("apt-get", "install"), True, id="apt-c"),
    pytest.param("apt-get $OPTS install x", ("apt-get", "install"), False, id="dynamic-option-blocks"),
    pytest.param("pip3 install x", ("pip", "install"), True, id="pip3"),
    pytest.param("pip3.12 install x", ("pip", "install"), True, id="pip3.12"),
    pytest.param("python -m pip install x", ("pip", "install"), True, id="python-m-pip"),
    pytest.param("python3.11 -I -mpip install x", ("pip", "install"), True, id="python-mpip"),
    pytest.param("python3 -m venv /v", ("pip",), False, id="python-m-venv"),
    pytest.param("python3 -c 'import pip' -m pip", ("pip",), False, id="python-c"),
    pytest.param("pip --proxy http://p install x", ("pip", "install"), True, id="pip-global-value"),
    pytest.param("sudo -u app pip install x", ("pip", "install"), True, id="sudo-u"),
    pytest.param("sudo -l apt-get install x", ("apt-get",), False, id="sudo-l-runs-nothing"),
    pytest.param("env -u X DEBIAN_FRONTEND=noninteractive apt-get install x", ("apt-get", "install"), True, id="env"),
    pytest.param("command -v apt-get", ("apt-get",), False, id="command-v"),
    pytest.param("exec apt-get update", ("apt-get", "update"), True, id="exec"),
    pytest.param("time -p apt-get update", ("apt-get", "update"), True, id="time"),
    pytest.param("eatmydata apt-get install x", ("apt-get", "install"), True, id="eatmydata"),
    pytest.param("dnf module enable -y nodejs:18", ("dnf", "module", "enable"), True, id="two-subcommands"),
    pytest.param("dnf --enablerepo crb install x", ("dnf", "install"), True, id="dnf-enablerepo"),
    pytest.param("yum -d 1 install x", ("yum", "install"), True, id="yum-d-value"),
    pytest.param("apk -X http://repo --root /r add x", ("apk", "add"), True, id="apk-values"),
    pytest.param("apt-get -- install", ("apt-get", "install"), True, id="double-dash"),
    pytest.param("$APT install x", ("apt-get", "install"), False, id="dynamic-name"),
]


@pytest.mark.parametrize("text, query, expected", IS)
def test_is(text, query, expected):
    assert parse_script(text).commands[0].is_(*query) is expected


def test_wrappers_recorded_and_program_word_located():
    text = "sudo -E env A=1 nice apt-get install -y x"
    command = parse_script(text).commands[0]
    assert command.wrappers == ("sudo", "env", "nice")
    assert cut(text, command.name_span) == "apt-get"
    assert [(a.name, a.value, cut(text, a.span)) for a in command.env] == [("A", "1", "A=1")]
    assert [w.text_raw for w in command.argv][:3] == ["sudo", "-E", "env"]

    pip = parse_script("python3 -m pip install x").commands[0]
    assert (pip.name, pip.program, pip.wrappers) == ("pip", "pip", ("python3 -m",))
    assert cut("python3 -m pip install x", pip.name_span) == "pip"


def test_wrapper_alone_is_the_command():
    assert parse_script("sudo").commands[0].name == "sudo"
    assert parse_script("timeout 5").commands[0].name == "timeout"


# --- options -----------------------------------------------------------------------

OPTIONS = [
    pytest.param("apt-get install -y x", ("-y",), True, id="y"),
    pytest.param("apt-get install --yes x", ("-y",), True, id="yes-alias"),
    pytest.param("apt-get install --assume-yes x", ("-y",), True, id="assume-yes-alias"),
    pytest.param("apt-get install -yq x", ("-y",), True, id="bundle"),
    pytest.param("apt-get install -qy x", ("--yes",), True, id="bundle-by-long-name"),
    pytest.param("apt-get install -q x", ("-y",), False, id="absent"),
    pytest.param("apt-get install --no-install-recommends x", ("--no-install-recommends",), True, id="long"),
    pytest.param("apt-get install -o Debug::x=1 -y", ("-y",), True, id="after-value"),
    pytest.param("apt-get install -oy x", ("-y",), False, id="value-glued-to-o"),
    pytest.param("pip install --no-cache x", ("--no-cache-dir",), True, id="pip-abbreviation"),
    pytest.param("pip install --no-c x", ("--no-cache-dir",), False, id="pip-ambiguous-prefix"),
    pytest.param("pip --no-cache-dir install x", ("--no-cache-dir",), True, id="pip-global-before"),
    pytest.param("apk add --no-cache x", ("--no-cache",), True, id="apk-no-cache"),
    pytest.param("apk add -U x", ("--update-cache",), True, id="apk-alias"),
    pytest.param("dnf install -y --setopt=install_weak_deps=False x", ("--setopt",), True, id="dnf-setopt"),
    pytest.param("curl -fsSL url", ("-s",), True, id="no-grammar-bundle"),
]


@pytest.mark.parametrize("text, names, expected", OPTIONS)
def test_has_option(text, names, expected):
    command = parse_script(text).commands[0]
    assert command.has_option(*names) is expected
    assert command.has_flag(*names) is expected


def test_option_values_and_spans():
    text = "apt-get -o APT::Install-Recommends=false install -y --option=Debug::A=1 -tbookworm x"
    command = parse_script(text).commands[0]
    assert command.option_values("-o") == ("APT::Install-Recommends=false", "Debug::A=1")
    assert command.option_values("--target-release") == ("bookworm",)
    o = command.options()[0]
    assert (o.name, o.canonical, cut(text, o.span)) == ("-o", "-o", "-o APT::Install-Recommends=false")
    assert [w.value for w in command.positional()] == ["x"]


def test_pip_install_values_skipped():
    text = "pip install -i https://pypi/simple --extra-index-url=https://x -c c.txt -e . --target /t a 'b[c]==1'"
    command = parse_script(text).commands[0]
    assert [w.value for w in command.positional()] == ["a", "b[c]==1"]
    assert command.option_values("--index-url") == ("https://pypi/simple",)
    assert command.option_values("-e") == (".",)


def test_positional_spans_for_install():
    text = "apt-get update && apt-get install -y --no-install-recommends curl 'git' ca-certificates"
    command = parse_script(text).commands[1]
    assert [(w.value, cut(text, w.span)) for w in command.positional()] == [
        ("curl", "curl"), ("git", "'git'"), ("ca-certificates", "ca-certificates"),
    ]


# --- words ------------------------------------------------------------------------

WORDS = [
    # source word, value, is_static
    pytest.param("plain", "plain", True, id="plain"),
    pytest.param("'a b'", "a b", True, id="single-quoted"),
    pytest.param('"a b"', "a b", True, id="double-quoted"),
    pytest.param('--foo="a b"', "--foo=a b", True, id="concatenation"),
    pytest.param("a\\ b", "a b", True, id="backslash-space"),
    pytest.param('"a\\"b\\\\c\\$d\\e"', 'a"b\\c$d\\e', True, id="dq-escapes"),
    pytest.param("'q'\"r\"s", "qrs", True, id="mixed-quotes"),
    pytest.param("$'a\\tb'", "a\tb", True, id="ansi-c"),
    pytest.param("$PKG", None, False, id="parameter"),
    pytest.param('"$PKG"', None, False, id="quoted-parameter"),
    pytest.param("${PKG:-x}", None, False, id="braced-parameter"),
    pytest.param('"x$(date)"', None, False, id="command-substitution"),
    pytest.param("foo*", "foo*", False, id="glob"),
    pytest.param("'foo*'", "foo*", True, id="quoted-glob"),
    pytest.param("foo\\*", "foo*", True, id="escaped-glob"),
    pytest.param("pkg[extra]", "pkg[extra]", False, id="bracket-glob"),
    pytest.param("{a,b}", "{a,b}", False, id="brace"),
    pytest.param("{}", "{}", True, id="empty-braces"),
    pytest.param("~/x", "~/x", False, id="tilde"),
    pytest.param("x=1.0", "x=1.0", True, id="version-pin"),
    pytest.param("a$", "a$", True, id="trailing-dollar"),
]


@pytest.mark.parametrize("source, value, is_static", WORDS)
def test_word(source, value, is_static):
    text = "echo " + source
    (word,) = parse_script(text).commands[0].words
    assert (word.value, word.is_static) == (value, is_static)
    assert word.text_raw == source == cut(text, word.span)


def test_name_quoted_or_dynamic():
    assert parse_script("'apt-get' update").commands[0].is_("apt-get", "update")
    assert parse_script("$FOO update").commands[0].name is None


def test_assignments_and_redirects():
    text = 'A=1 B="x y" C=$D E=~/x cmd arg >out 2>&1 <in'
    command = parse_script(text).commands[0]
    assert [(a.name, a.value, cut(text, a.span)) for a in command.env] == [
        ("A", "1", "A=1"), ("B", "x y", 'B="x y"'), ("C", None, "C=$D"), ("E", None, "E=~/x"),
    ]
    assert [cut(text, r) for r in command.redirects] == [">out", "2>&1", "<in"]
    assert cut(text, command.span) == text


def test_declaration_commands_are_commands():
    text = "export DEBIAN_FRONTEND=noninteractive PATH; unset X"
    export, unset = parse_script(text).commands
    assert export.name == "export"
    assert [w.value for w in export.words] == ["DEBIAN_FRONTEND=noninteractive", "PATH"]
    assert (unset.name, [w.value for w in unset.words]) == ("unset", ["X"])


def test_heredoc_redirect_spans():
    text = "cat <<EOF > /etc/x && echo ok\nline $HOME\nEOF\napt-get update"
    script = parse_script(text)
    cat = only(script, "cat")
    assert [cut(text, r) for r in cat.redirects] == ["<<EOF", "> /etc/x", "line $HOME\nEOF"]
    assert [(s.kind, s.op_before, cut(text, s.op_span)) for s in script.chain] == [
        ("command", None, None), ("command", "&&", "&&"), ("command", "\n", "\n"),
    ]
    assert only(script, "apt-get").step_index == 2


# --- the chain ----------------------------------------------------------------------

CHAINS = [
    pytest.param(
        "apt-get update && apt-get install -y curl",
        [("command", None, "apt-get update"), ("command", "&&", "apt-get install -y curl")],
        id="and",
    ),
    pytest.param(
        "a && b || c; d & e\nf | g && h",
        [
            ("command", None, "a"), ("command", "&&", "b"), ("command", "||", "c"), ("command", ";", "d"),
            ("command", "&", "e"), ("pipeline", "\n", "f | g"), ("command", "&&", "h"),
        ],
        id="all-operators",
    ),
    pytest.param(
        "set -e\n# comment\n(cd x && make) ;\nif true; then :; fi",
        [("command", None, "set -e"), ("subshell", "\n", "(cd x && make)"), ("if_statement", ";", "if true; then :; fi")],
        id="compound-steps",
    ),
    pytest.param("curl x | sh", [("pipeline", None, "curl x | sh")], id="pipeline"),
    pytest.param("a >f; b", [("command", None, "a >f"), ("command", ";", "b")], id="redirected"),
    pytest.param("a && b >f", [("command", None, "a"), ("command", "&&", "b >f")], id="last-step-keeps-its-redirect"),
    pytest.param("a && b | c 2>&1; d", [("command", None, "a"), ("pipeline", "&&", "b | c 2>&1"), ("command", ";", "d")],
                 id="redirected-pipeline-in-a-list"),
    pytest.param("", [], id="empty"),
    pytest.param("  \n ", [], id="blank"),
]


@pytest.mark.parametrize("text, expected", CHAINS)
def test_chain(text, expected):
    script = parse_script(text)
    assert [(s.kind, s.op_before, cut(text, s.span)) for s in script.chain] == expected
    for step in script.chain:
        if step.op_span is not None:
            assert cut(text, step.op_span) == step.op_before
        if step.kind == "command":
            assert step.command is not None and step.command.span == step.span


# --- text that is not plain ASCII ---------------------------------------------------

UNICODE = [
    pytest.param("echo héllo && apt-get install -y x", id="latin"),
    pytest.param("echo '日本語 🐳' ; apt-get install -y x", id="cjk-emoji"),
    pytest.param("echo \udcff && apt-get install -y x", id="lone-surrogate-escape"),
    pytest.param("echo '\ud800' && apt-get install -y x", id="lone-high-surrogate"),
    pytest.param("x=\udce9t\u00e9; apt-get install -y x", id="surrogate-in-assignment"),
]


@pytest.mark.parametrize("text", UNICODE)
def test_spans_are_str_indices(text):
    script = parse_script(text)
    apt = only(script, "apt-get")
    assert cut(text, apt.span) == "apt-get install -y x"
    assert cut(text, apt.name_span) == "apt-get"
    assert [(w.value, cut(text, w.span)) for w in apt.positional()] == [("x", "x")]
    assert cut(text, script.chain[-1].span) == "apt-get install -y x"
    op = script.chain[-1].op_span
    assert cut(text, op) == script.chain[-1].op_before


def test_non_ascii_word_values():
    text = "echo 'é' \"日本\" \udcff"
    words = parse_script(text).commands[0].words
    assert [w.value for w in words] == ["é", "日本", "\udcff"]
    assert [cut(text, w.span) for w in words] == ["'é'", '"日本"', "\udcff"]


# --- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        pytest.param('echo "unterminated', id="open-quote"),
        pytest.param("if then fi", id="bad-if"),
        pytest.param("a && && b", id="double-operator"),
        pytest.param("(", id="open-paren"),
        pytest.param("apt-get install x )", id="stray-paren"),
    ],
)
def test_syntax_errors_do_not_raise(text):
    script = parse_script(text)
    assert script.has_errors
    for command in script.commands:
        assert 0 <= command.span[0] <= command.span[1] <= len(text)


def test_empty():
    script = parse_script("")
    assert (script.commands, script.chain, script.has_errors) == ((), (), False)


# --- grammars -------------------------------------------------------------------------

def test_program_key():
    assert [program_key(n) for n in ["pip", "pip3", "pip3.12", "/usr/local/bin/pip", "apt-get", "pipx"]] == [
        "pip", "pip", "pip", "pip", "apt-get", "pipx",
    ]


@pytest.mark.parametrize("program", sorted(GRAMMARS))
def test_grammar_tables_are_consistent(program):
    from optimizer.shell.grammars import option_table

    assert "install" in subcommands(program) or "add" in subcommands(program)
    for sub in (None, *sorted(GRAMMARS[program].per_subcommand)):
        table = option_table(program, sub)
        assert all(name.startswith("-") for name in table.canonical)
        assert table.takes_value <= set(table.canonical.values())


def test_redirect_after_a_pipeline_in_an_and_list_stays_on_the_last_member():
    """tree-sitter-bash attaches `> f` in `a && b | c > f && d` to the whole list."""
    text = "apt install -y curl && curl -fsSL x | gpg --dearmor > b && apt update"
    script = parse_script(text)
    assert [(s.kind, s.op_before) for s in script.chain] == [
        ("command", None), ("pipeline", "&&"), ("command", "&&")]
    install, curl, gpg, update = script.commands
    assert install.top_level and install.step_index == 0
    assert [text[a:b] for a, b in gpg.redirects] == ["> b"] and not curl.redirects
    assert update.top_level and update.step_index == 2
