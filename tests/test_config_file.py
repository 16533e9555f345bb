"""Project settings from ``.dockeropt.toml`` / ``pyproject.toml [tool.dockeropt]``, as the CLI applies them."""

from __future__ import annotations

import pytest

from optimizer.cli import main
from optimizer.config_file import find_config, load_config
from optimizer.fileio import InputError
from .helpers import invoke as run_command

SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install curl\n"  # DO101 and DO105 apply


def invoke(*args):
    return run_command(main, list(args))


def test_pyproject_section_is_found_from_a_subfolder_and_its_select_applies(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dockeropt]\nselect = ["DO105"]\n')
    sub = tmp_path / "svc"
    sub.mkdir()
    (sub / "Dockerfile").write_text(SPLIT)
    result = invoke(str(sub / "Dockerfile"))
    assert "DO105" in result.stderr and "DO101" not in result.stderr


def test_pyproject_without_the_section_is_not_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n')
    assert find_config(tmp_path) is None


def test_dockeropt_toml_wins_over_pyproject_and_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dockeropt]\nunsafe = true\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo) is None
    (repo / "pyproject.toml").write_text('[tool.dockeropt]\nunsafe = true\n')
    (repo / ".dockeropt.toml").write_text('ignore = ["DO204"]\n')
    assert find_config(repo) == (repo / ".dockeropt.toml").resolve()


def test_flags_override_the_file_and_ignores_add_up(tmp_path):
    (tmp_path / ".dockeropt.toml").write_text('select = ["DO101"]\nignore = ["DO105"]\n')
    (tmp_path / "Dockerfile").write_text(SPLIT)
    result = invoke("--select", "DO101,DO105", str(tmp_path / "Dockerfile"))
    assert "DO101" in result.stderr and "DO105" not in result.stderr


def test_java_runtime_key_is_read(tmp_path):
    path = tmp_path / ".dockeropt.toml"
    path.write_text('java-runtime = "distroless"\nspring-layers = true\nexclude = ["docs/**"]\n')
    config = load_config(path)
    assert (config.options, config.exclude) == ({"java-runtime": "distroless", "spring-layers": True}, ("docs/**",))


@pytest.mark.parametrize("text, message", [
    ("selct = []\n", "unknown dockeropt setting 'selct'"),
    ("unsafe = 'yes'\n", "'unsafe' must be bool"),
    ("select = [1]\n", "'select' must be a list of strings"),
    ('java-runtime = "slim"\n', "java-runtime must be one of alpine, jre, distroless"),
    ("select = [\n", "not valid TOML"),
], ids=["typo", "wrong-type", "list-of-ints", "bad-runtime", "broken-toml"])
def test_bad_config_is_exit_2_naming_the_file_and_the_file_is_untouched(tmp_path, text, message):
    (tmp_path / ".dockeropt.toml").write_text(text)
    (tmp_path / "Dockerfile").write_text(SPLIT)
    with pytest.raises(InputError, match=message):
        load_config(tmp_path / ".dockeropt.toml")
    result = invoke("--write", str(tmp_path / "Dockerfile"))
    assert result.exit_code == 2
    assert ".dockeropt.toml" in result.stderr and message.split("'")[0] in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == SPLIT


def readme_snippet() -> str:
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    start = readme.index("```toml\n[tool.dockeropt]") + len("```toml\n")
    return readme[start:readme.index("```", start)]


@pytest.mark.parametrize("name", [".dockeropt.toml", "pyproject.toml"])
def test_the_readme_snippet_works_pasted_into_either_file(tmp_path, name):
    (tmp_path / name).write_text(readme_snippet())
    config = load_config(tmp_path / name)
    assert config.select == ("DO101", "apt-clean-lists") and config.ignore == ("DO204",)
    assert config.options == {"java-runtime": "alpine", "go-runtime": "distroless", "spring-layers": False}
    assert config.exclude == ("examples/**",)


def test_dockeropt_toml_with_keys_at_the_top_and_in_a_table_is_an_error(tmp_path):
    path = tmp_path / ".dockeropt.toml"
    path.write_text('unsafe = true\n[tool.dockeropt]\nignore = ["DO204"]\n')
    with pytest.raises(InputError, match=r"\.dockeropt\.toml: put the settings at the top .* not both"):
        load_config(path)


def test_an_unknown_pass_in_the_config_is_an_error_naming_the_file(tmp_path):
    (tmp_path / ".dockeropt.toml").write_text('ignore = ["DO999"]\n')
    (tmp_path / "Dockerfile").write_text(SPLIT)
    result = invoke(str(tmp_path / "Dockerfile"))
    assert result.exit_code == 2
    assert f"{tmp_path / '.dockeropt.toml'}: unknown pass: DO999" in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == SPLIT


def test_the_documented_defaults_are_the_defaults():
    try:
        import tomllib
    except ImportError:  # Python 3.10: the tomli dependency
        import tomli as tomllib

    from optimizer.config_file import SETTINGS, ProjectConfig

    config = ProjectConfig().config()
    for setting in SETTINGS:
        if setting.default.startswith("`"):
            value = tomllib.loads(f"v = {setting.default.strip('`')}")["v"]
            actual = getattr(config, setting.key.replace("-", "_"), None)
            actual = actual if actual is not None else getattr(ProjectConfig(), setting.key.replace("-", "_"))
            assert (list(actual) if isinstance(actual, (tuple, frozenset)) else actual) == value, setting.key
    assert config.select is None  # "every pass"


@pytest.mark.parametrize("text", [
    pytest.param("[tool.dockeropt]\nunsafe = true\n", id="header"),
    pytest.param('[ tool . "dockeropt" ]\nunsafe = true\n', id="spaced-quoted-header"),
    pytest.param("[tool.dockeropt.extra]\n", id="sub-table"),
    pytest.param("[tool]\ndockeropt = { unsafe = true }\n", id="tool-header-then-key"),
    pytest.param("[tool]\ndockeropt.unsafe = true\n", id="tool-header-then-dotted-key"),
    pytest.param("tool = { dockeropt = { unsafe = true } }\n", id="inline-table"),
    pytest.param("tool.dockeropt.unsafe = true\n", id="root-dotted-key"),
    pytest.param('[tool."dock\\u0065ropt"]\nunsafe = true\n', id="unicode-escape"),
])
def test_every_way_toml_spells_the_section_is_found(tmp_path, text):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(text + '[project]\nname = "x"\n')
    assert find_config(tmp_path) == (tmp_path / "pyproject.toml").resolve()


def test_a_pyproject_naming_dockeropt_only_as_project_or_script_is_not_a_config(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "dockeropt"\n[project.scripts]\n'
                                             'dockeropt = "optimizer.console:main"\n[tool.mypy]\nstrict = true\n')
    assert find_config(tmp_path) is None
