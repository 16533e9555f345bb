"""DO306 python-multi-stage: fix table, report-only table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.facts.dev_packages import runtime_libraries
from optimizer.pipeline import Status, optimize

from .helpers import assert_unchanged, assert_unsafe_fix

ID = "python-multi-stage"
INSTALL = "RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\n"
PIP = "RUN pip install --no-cache-dir -r requirements.txt\n"
BEFORE = ("FROM python:3.12\n" + INSTALL + "WORKDIR /app\nCOPY requirements.txt .\n" + PIP
          + 'COPY . .\nEXPOSE 8000\nCMD ["gunicorn", "app:app"]\n')
VENV = 'RUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\n'
RUNTIME_INSTALL = "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n"
COPY_VENV = 'COPY --from=build /opt/venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\n'
AFTER = ("FROM python:3.12 AS build\n" + INSTALL + "WORKDIR /app\n" + VENV + "COPY requirements.txt .\n" + PIP
         + "\nFROM python:3.12-slim\n" + RUNTIME_INSTALL + "WORKDIR /app\nCOPY requirements.txt .\n" + COPY_VENV
         + 'COPY . .\nEXPOSE 8000\nCMD ["gunicorn", "app:app"]\n')


def _swap(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


FIXES = [
    pytest.param(BEFORE, AFTER, id="full-image-libpq"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.12-bookworm\n")),
                 _swap(AFTER, ("python:3.12 AS", "python:3.12-bookworm AS"), ("python:3.12-slim", "python:3.12-slim-bookworm")),
                 id="codename-tag-gets-slim-codename"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.12-slim\n")),
                 _swap(AFTER, ("python:3.12 AS", "python:3.12-slim AS")), id="slim-base-stays-slim"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.12-slim@sha256:" + "a" * 64 + "\n")),
                 _swap(AFTER, ("python:3.12 AS", "python:3.12-slim@sha256:" + "a" * 64 + " AS"),
                       ("FROM python:3.12-slim\n", "FROM python:3.12-slim@sha256:" + "a" * 64 + "\n")),
                 id="slim-digest-kept"),
    pytest.param(_swap(BEFORE, ("gcc libpq-dev", "build-essential")),
                 _swap(AFTER, ("gcc libpq-dev", "build-essential"), (RUNTIME_INSTALL, "")),
                 id="only-build-packages-no-runtime-install"),
    pytest.param(_swap(BEFORE, ("gcc libpq-dev", "gcc libffi-dev curl libxml2-dev")),
                 _swap(AFTER, ("gcc libpq-dev", "gcc libffi-dev curl libxml2-dev"),
                       ("--no-install-recommends libpq5", "--no-install-recommends libffi8 curl libxml2")),
                 id="other-packages-kept-dev-mapped-in-order"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.11-bullseye\n"), ("libpq-dev", "libssl-dev")),
                 _swap(AFTER, ("python:3.12 AS", "python:3.11-bullseye AS"), ("libpq-dev", "libssl-dev"),
                       ("python:3.12-slim", "python:3.11-slim-bullseye"), ("libpq5", "libssl1.1")),
                 id="release-specific-library"),
    pytest.param(_swap(BEFORE, ("COPY . .\n", "COPY . .\n# collect\nRUN python manage.py collectstatic --noinput\n")),
                 _swap(AFTER, ("COPY . .\n", "COPY . .\n# collect\nRUN python manage.py collectstatic --noinput\n")),
                 id="python-step-after-pip-moves-with-its-comment"),
    pytest.param(_swap(BEFORE, ("FROM python:3.12\n", "FROM python:3.12\nRUN useradd -m app\n"),
                       ("EXPOSE", "USER app\nEXPOSE")),
                 _swap(AFTER, ("FROM python:3.12 AS build\n", "FROM python:3.12 AS build\nRUN useradd -m app\n"),
                       ("FROM python:3.12-slim\n", "FROM python:3.12-slim\nRUN useradd -m app\n"),
                       ("EXPOSE", "USER app\nEXPOSE")),
                 id="account-set-up-replayed"),
    pytest.param(_swap(BEFORE, ("COPY requirements.txt .\n", 'RUN python -m venv /venv\nENV PATH="/venv/bin:$PATH"\n'
                                                            "COPY requirements.txt .\n")),
                 "FROM python:3.12 AS build\n" + INSTALL + "WORKDIR /app\n"
                 'RUN python -m venv /venv\nENV PATH="/venv/bin:$PATH"\nCOPY requirements.txt .\n' + PIP
                 + "\nFROM python:3.12-slim\n" + RUNTIME_INSTALL + "WORKDIR /app\n"
                 'ENV PATH="/venv/bin:$PATH"\nCOPY requirements.txt .\nCOPY --from=build /venv /venv\n'
                 'COPY . .\nEXPOSE 8000\nCMD ["gunicorn", "app:app"]\n',
                 id="existing-venv-used"),
    pytest.param(_swap(BEFORE, (INSTALL + "WORKDIR /app\nCOPY requirements.txt .\n" + PIP,
                                "WORKDIR /app\nCOPY requirements.txt .\nRUN apt-get update && apt-get install -y gcc "
                                "libpq-dev && pip install -r requirements.txt && rm -rf /var/lib/apt/lists/*\n")),
                 "FROM python:3.12 AS build\nWORKDIR /app\n" + VENV + "COPY requirements.txt .\n"
                 + "RUN apt-get update && apt-get install -y gcc libpq-dev && pip install -r requirements.txt && "
                 "rm -rf /var/lib/apt/lists/*\n\nFROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                 "RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\n" + COPY_VENV
                 + 'COPY . .\nEXPOSE 8000\nCMD ["gunicorn", "app:app"]\n',
                 id="one-run-installs-and-pips-recommends-kept-as-written"),
    pytest.param(_swap(BEFORE, (PIP, "RUN pip install --upgrade pip\n" + PIP)),
                 _swap(AFTER, (PIP, "RUN pip install --upgrade pip\n" + PIP)),
                 id="several-pip-runs-one-venv-copy"),
    pytest.param(BEFORE.replace("\n", "\r\n"), AFTER.replace("\n", "\r\n"), id="crlf"),
    pytest.param(_swap(BEFORE, ("FROM", "from"), ("RUN", "run"), ("WORKDIR", "workdir"), ("COPY", "copy"),
                       ("EXPOSE", "expose"), ("CMD", "cmd")),
                 _swap(AFTER, ("FROM", "from"), (" AS ", " as "), ("RUN", "run"), ("WORKDIR", "workdir"),
                       ("COPY", "copy"), ("EXPOSE", "expose"), ("CMD", "cmd"), ("ENV", "env")),
                 id="lower-case-file"),
    pytest.param(_swap(BEFORE, ("FROM python:3.12\n", "FROM python:3.12 AS app\n")),
                 _swap(AFTER, ("python:3.12 AS build", "python:3.12 AS app"), ("--from=build", "--from=app")),
                 id="named-stage-keeps-its-name"),
    pytest.param(_swap(BEFORE, ('CMD ["gunicorn", "app:app"]', "HEALTHCHECK CMD python -c 'import app'\n"
                                                               'CMD ["gunicorn", "app:app"]')),
                 _swap(AFTER, ('CMD ["gunicorn", "app:app"]', "HEALTHCHECK CMD python -c 'import app'\n"
                                                              'CMD ["gunicorn", "app:app"]')),
                 id="python-healthcheck"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_unsafe_fix(before, after, select=ID)


REPORTED = [
    pytest.param(_swap(BEFORE, ("libpq-dev", "libgdal-dev")), "libgdal-dev", id="unknown-dev-package"),
    pytest.param(_swap(BEFORE, ("libpq-dev", "libssl-dev")), "bookworm/trixie", id="release-dependent-no-codename"),
    pytest.param(_swap(BEFORE, ("gcc libpq-dev &&", "gcc libpq-dev && curl -sL https://x.sh | bash &&")),
                 "also runs curl and bash beside the installs", id="install-run-does-more"),
    pytest.param(_swap(BEFORE, ("COPY . .\n", "COPY . .\nRUN make -C ext\n")), "runs make after the pip installs",
                 id="compiler-after-pip"),
    pytest.param(_swap(BEFORE, ("COPY . .\n", "COPY . .\nRUN ./scripts/prepare.sh\n")), "prepare.sh",
                 id="unknown-program-after-pip"),
    pytest.param(_swap(BEFORE, ('CMD ["gunicorn", "app:app"]', "HEALTHCHECK CMD curl -f http://localhost:8000/\n"
                                                               'CMD ["gunicorn", "app:app"]')),
                 "curl, which the -slim image does not have", id="healthcheck-curl-on-slim"),
    pytest.param(_swap(BEFORE, (PIP, "RUN pip install --user -r requirements.txt\n")), "--user", id="pip-user"),
    pytest.param(_swap(BEFORE, (PIP, "RUN pip install -e .\n")), "-e", id="editable"),
    pytest.param(_swap(BEFORE, (PIP, "RUN cd src && pip install .\n")), "folder that is not known",
                 id="local-project-after-cd"),
    pytest.param(_swap(BEFORE, ("COPY . .\n", "COPY . .\nRUN apt-get purge -y gcc\n")), "later layer",
                 id="purged-in-a-later-layer"),
    pytest.param(_swap(BEFORE, (PIP, "RUN /usr/local/bin/pip install -r requirements.txt\n")), "outside the venv",
                 id="absolute-pip"),
    pytest.param(_swap(BEFORE, ('CMD ["gunicorn", "app:app"]', 'CMD ["/usr/local/bin/gunicorn", "app:app"]')),
                 "pip's scripts move", id="script-by-absolute-path"),
    pytest.param(_swap(BEFORE, ("WORKDIR /app\n", "WORKDIR /app\nUSER nobody\n")), "other than root",
                 id="pip-as-non-root"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.12@sha256:" + "b" * 64 + "\n")), "digest",
                 id="full-image-digest"),
    pytest.param(_swap(BEFORE, ("python:3.12\n", "python:3.12-alpine\n")), "Alpine", id="alpine"),
    pytest.param(_swap(BEFORE, ("WORKDIR /app\n", "WORKDIR /app\nENV PIP_TARGET=/deps\n")), "where pip installs",
                 id="pip-target-env"),
    pytest.param(_swap(BEFORE, ('CMD ["gunicorn", "app:app"]', 'CMD ["make", "run"]')), "runs make",
                 id="command-is-a-build-tool"),
]


@pytest.mark.parametrize(("before", "why"), REPORTED)
def test_reported_without_fix(before, why):
    result = assert_unchanged(before, select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert why in reported.finding.risk + reported.finding.message


def test_a_local_project_is_built_in_the_venv_and_its_build_folders_are_declared():
    before = _swap(BEFORE, ("COPY requirements.txt .\n" + PIP + "COPY . .\n", "COPY . .\nRUN pip install .\n"))
    result = optimize(before, config=Config(select=frozenset({ID}), unsafe=True))
    assert result.text == _swap(AFTER, (VENV + "COPY requirements.txt .\n" + PIP, VENV + "COPY . .\n"
                                        + "RUN pip install .\n"),
                                ("COPY requirements.txt .\n" + COPY_VENV + "COPY . .\n", "COPY . .\n" + COPY_VENV))
    fix = result.findings[0].finding.fix
    assert {"/app/build/**", "/app/**/*.egg-info/**"} <= set(fix.image_changes)
    assert "pip builds /app in place" in result.findings[0].finding.risk


def test_a_requirements_file_with_an_editable_project_is_a_suggestion():
    context = BuildContext.from_listing(["requirements.txt", "app.py", "setup.py"],
                                        texts={"requirements.txt": "flask==3.0\n-e .\n"})
    result = optimize(BEFORE, context, Config(select=frozenset({ID}), unsafe=True))
    (reported,) = result.findings
    assert result.text == BEFORE and reported.status is Status.SUGGESTION
    assert "requirements.txt installs `.` editable" in reported.finding.risk


def test_a_plain_requirements_file_keeps_the_fix():
    context = BuildContext.from_listing(["requirements.txt", "app.py"], texts={"requirements.txt": "psycopg2==2.9.10\n"})
    result = optimize(BEFORE, context, Config(select=frozenset({ID}), unsafe=True))
    assert result.text == AFTER and [r.status for r in result.findings] == [Status.APPLIED]


def test_the_fix_declares_the_new_venv_for_verify():
    result = optimize(BEFORE, config=Config(select=frozenset({ID}), unsafe=True))
    fix = result.findings[0].finding.fix
    assert fix is not None and set(fix.image_changes) == {"/opt/venv", "/opt/venv/**"}
    assert "stages" in fix.declares


def test_without_unsafe_it_is_reported_and_not_applied():
    result = optimize(BEFORE, config=Config(select=frozenset({ID})))
    assert result.text == BEFORE and result.findings[0].status is Status.NEEDS_UNSAFE


@pytest.mark.parametrize(("package", "releases", "libraries"), [
    ("libpq-dev", ("bookworm", "trixie"), ("libpq5",)),
    ("libffi-dev", ("bullseye",), ("libffi7",)),
    ("libssl-dev", ("bookworm", "trixie"), None),
    ("libkrb5-dev", ("bookworm",), ("libkrb5-3", "libgssapi-krb5-2")),
    ("libnope-dev", ("bookworm",), None),
])
def test_runtime_libraries(package, releases, libraries):
    assert runtime_libraries(package, releases) == libraries


NO_CHANGE = [
    pytest.param(_swap(BEFORE, (INSTALL, "")), id="no-build-packages"),
    pytest.param(_swap(BEFORE, (PIP, "")), id="no-pip-install"),
    pytest.param(_swap(BEFORE, (INSTALL, ""), ("COPY . .\n", "COPY . .\n" + INSTALL)), id="build-packages-after-pip"),
    pytest.param(_swap(BEFORE, (PIP, "RUN pip install -r requirements.txt && apt-get purge -y gcc && apt-get "
                                     "autoremove -y\n")), id="purged-after-use"),
    pytest.param(_swap(BEFORE, ("FROM python:3.12\n", "FROM node:20\n")), id="not-python"),
    pytest.param(_swap(BEFORE, ("FROM python:3.12\n", "FROM python:${PY}\n")), id="variable-base"),
    pytest.param(_swap(BEFORE, ("FROM python:3.12\n", "FROM python:3.12 AS base\nFROM base\n")),
                 id="built-from-a-stage"),
    pytest.param("FROM python:3.12 AS build\n" + INSTALL + PIP + "FROM python:3.12-slim\nCOPY --from=build /x /x\n",
                 id="already-multi-stage"),
    pytest.param(_swap(BEFORE, ("WORKDIR /app\n", "WORKDIR /app\nONBUILD RUN echo\n")), id="onbuild"),
    pytest.param("# dockeropt: ignore=DO306\n" + BEFORE, id="suppressed"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert not assert_unchanged(before, select=ID).findings


def test_verify_counts_the_venv_as_declared_though_the_runtime_stage_copies_it():
    from optimizer.verify.declared import Evidence, declared_paths
    from optimizer.verify.filesystem import Snapshot

    result = optimize(BEFORE, config=Config(select=frozenset({ID}), unsafe=True))
    fix = result.findings[0].finding.fix
    evidence = Evidence(Snapshot({}), Snapshot({}), frozenset(), carried=("/opt/venv", "/app/requirements.txt", "/app"))
    covers = declared_paths(("new-root", *fix.image_changes), evidence)
    assert covers("/opt/venv/lib/python3.12/site-packages/psycopg2/_psycopg.so")  # the fix's own glob
    assert covers("/usr/local/lib/python3.12/site-packages/psycopg2/__init__.py")  # new-root: not carried
    assert not covers("/app/app.py")  # the sources it carries must stay the same


def test_with_cache_mounts_the_builders_apt_set_up_stays_behind_and_the_result_is_stable():
    config = Config(select=frozenset({ID, "cache-mounts"}), unsafe=True, options={"buildkit": True})
    result = optimize(BEFORE, config=config)
    statuses = {r.pass_.id: r.status for r in result.findings}
    assert statuses["DO306"] is Status.APPLIED, result.findings
    runtime = result.text.split("FROM python:3.12-slim\n", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in runtime and "libpq5" in runtime and "gcc" not in runtime
    assert optimize(result.text, config=config).text == result.text


def test_the_builder_makes_the_venv_above_a_copy_of_the_whole_context_so_the_requirements_still_go_first():
    """With every pass: a source edit must not reinstall the requirements in the builder (DO205 after DO306)."""
    before = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN apt-get update\nRUN apt-get install -y g++\n"
              "RUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
    context = BuildContext.from_listing(["requirements.txt", "app.py"], texts={"requirements.txt": "gevent\n"})
    result = optimize(before, context, config=Config(unsafe=True))
    builder = result.text.split("\n\n")[0]
    assert builder.index("RUN python -m venv") < builder.index("COPY requirements.txt /app/") < builder.index(
        "RUN pip install") < builder.index("COPY . /app"), builder


def test_verify_reads_the_venv_as_the_folder_pip_used_before_and_nothing_else():
    """A smoke command that prints where a package lives (``locust --version``) is the same once the venv DO306
    declares it moved pip's packages to is read as /usr/local; any other difference still fails."""
    from optimizer.verify.run import _relocated_smoke

    result = optimize(BEFORE, config=Config(select=frozenset({ID}), unsafe=True))
    before = (0, "locust 2.43.0 from /usr/local/lib/python3.11/site-packages/locust (Python 3.11.2)\n")
    after = (0, "locust 2.43.0 from /opt/venv/lib/python3.11/site-packages/locust (Python 3.11.2)\n")
    assert _relocated_smoke(result, before, after) == ["DO306"]
    assert _relocated_smoke(result, before, (0, after[1].replace("2.43.0", "2.44.0"))) == []
    assert _relocated_smoke(result, before, (1, after[1])) == []
    assert _relocated_smoke(result, (0, "/usr/local/bin/gunicorn\n"), (0, "/opt/venv/bin/gunicorn\n")) == ["DO306"]
    unrelated = optimize("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", config=Config())
    assert _relocated_smoke(unrelated, before, after) == []
