"""A pass's options are declared once (``Pass.options``) and reach it from every way a user sets them:
a ``dockeropt`` flag, a config-file key, a ``dockeropt verify`` flag."""

from __future__ import annotations

import pytest

from optimizer import cli
from optimizer.config_file import SETTINGS, load_config
from optimizer.fileio import InputError
from optimizer.options import declared, from_flags
from optimizer.passes import PASSES
from optimizer.verify import cli as verify_cli

from .helpers import invoke

GO = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n"
      'CMD ["/out/app"]\n')
OPTIONS = [pytest.param(name, option, id=name) for name, (_, option) in declared().items()]


def a_value(option):
    """A value other than the default, as a flag's arguments and as the value the pass reads."""
    if option.kind is bool:
        return [f"--{option.name}"], True
    other = next(choice for choice in option.choices if choice != option.default)
    return [f"--{option.name}", other], other


def test_each_option_is_declared_once_and_clashes_with_no_flag_or_key():
    names = [option.name for _, option in declared().values()]
    assert sorted(names) == sorted(option.name for p in PASSES for option in p.options), "declared twice"
    assert not {f"--{name}" for name in names} & cli.arguments(pass_options=False).flags
    assert not set(names) & {setting.key for setting in SETTINGS}
    for _, option in declared().values():
        assert option.kind in (bool, str) and (option.kind is bool) == (not option.choices)
        assert option.kind is bool or option.default in option.choices


@pytest.mark.parametrize("name, option", OPTIONS)
def test_the_main_command_and_verify_take_each_option_as_a_flag(name, option, tmp_path):
    args, value = a_value(option)
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    for parse in (cli.arguments().parse_intermixed_args, verify_cli.arguments().parse_intermixed_args):
        assert from_flags(parse([str(tmp_path / "Dockerfile"), *args])) == {name: value}
        assert from_flags(parse([str(tmp_path / "Dockerfile")])) == {}


@pytest.mark.parametrize("name, option", OPTIONS)
def test_the_config_file_takes_each_option_and_names_the_allowed_values(name, option, tmp_path):
    _, value = a_value(option)
    path = tmp_path / ".dockeropt.toml"
    path.write_text(f"{name} = {'true' if value is True else repr(value)}\n")
    assert load_config(path).config().options == {name: value}
    path.write_text(f'{name} = "{"nonsense" if option.choices else "yes"}"\n')
    with pytest.raises(InputError, match=f"{path}: .*{name}.* must be") as error:
        load_config(path)
    assert all(choice in str(error.value) for choice in option.choices)


def test_without_the_option_the_pass_uses_its_default(tmp_path):
    (tmp_path / "Dockerfile").write_text(GO)
    result = invoke(cli.main, ["--select", "DO302", "--unsafe", str(tmp_path / "Dockerfile")])
    assert "+FROM gcr.io/distroless/static-debian12\n" in result.stdout


@pytest.mark.parametrize("how", ["flag before the path", "flag after the path", "config file"])
def test_go_runtime_reaches_the_pass_from_a_flag_or_the_config(tmp_path, how):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(GO)
    args = ["--select", "DO302", "--unsafe", str(dockerfile)]
    if how == "config file":
        (tmp_path / ".dockeropt.toml").write_text('go-runtime = "scratch"\n')
    elif how == "flag before the path":
        args = ["--go-runtime", "scratch", *args]
    else:
        args = [*args, "--go-runtime", "scratch"]
    result = invoke(cli.main, args)
    assert result.exit_code == 1, result.stderr
    assert "+FROM scratch\n" in result.stdout


def test_a_flag_wins_over_the_config_file(tmp_path):
    (tmp_path / ".dockeropt.toml").write_text('go-runtime = "scratch"\n')
    (tmp_path / "Dockerfile").write_text(GO)
    result = invoke(cli.main, ["--select", "DO302", "--unsafe", "--go-runtime", "alpine", str(tmp_path / "Dockerfile")])
    assert "+FROM alpine:" in result.stdout and "+FROM scratch" not in result.stdout


def test_help_lists_each_option_with_its_pass_and_values():
    for main in (cli.main, verify_cli.main):
        helptext = " ".join(invoke(main, ["--help"]).stdout.split())
        for name, (pass_, option) in declared().items():
            assert f"--{name}" in helptext and f"{pass_.name}: {option.help}" in helptext
            assert option.allowed() in helptext or not option.choices
