"""DO107 pip-no-cache-dir: fix table and no-change table."""

from __future__ import annotations

import pytest


from .helpers import assert_safe_fix, assert_unchanged, rewrite

ID = "pip-no-cache-dir"

FIXES = [
    pytest.param(
        "FROM python:3.12-slim\nRUN pip install flask\n",
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n",
        id="plain"),
    pytest.param(
        "FROM python:3.12-slim\nRUN pip3 install -r requirements.txt\n",
        "FROM python:3.12-slim\nRUN pip3 install --no-cache-dir -r requirements.txt\n",
        id="pip3-requirements"),
    pytest.param(
        "FROM python:3.12-slim\nRUN pip3.12 install x\n",
        "FROM python:3.12-slim\nRUN pip3.12 install --no-cache-dir x\n",
        id="versioned-pip"),
    pytest.param(
        "FROM python:3.12-slim\nRUN python -m pip install --upgrade pip\n",
        "FROM python:3.12-slim\nRUN python -m pip install --no-cache-dir --upgrade pip\n",
        id="python-m-pip"),
    pytest.param(
        "FROM python:3.12-slim\nRUN /opt/venv/bin/pip install x\n",
        "FROM python:3.12-slim\nRUN /opt/venv/bin/pip install --no-cache-dir x\n",
        id="venv-path"),
    pytest.param(
        "FROM ubuntu\nRUN sudo -H pip3 install x\n",
        "FROM ubuntu\nRUN sudo -H pip3 install --no-cache-dir x\n",
        id="sudo"),
    pytest.param(
        "FROM python:3\nRUN pip install --upgrade pip && pip install -r r.txt\n",
        "FROM python:3\nRUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -r r.txt\n",
        id="two-installs"),
    pytest.param(
        "FROM python:3\nRUN set -ex; \\\n    pip install -r r.txt; \\\n    pip install gunicorn\n",
        "FROM python:3\nRUN set -ex; \\\n    pip install --no-cache-dir -r r.txt; \\\n    pip install --no-cache-dir gunicorn\n",
        id="semicolons"),
    pytest.param(
        "FROM python:3\nRUN pip install \\\n    # web server\n    gunicorn \\\n    flask\n",
        "FROM python:3\nRUN pip install --no-cache-dir \\\n    # web server\n    gunicorn \\\n    flask\n",
        id="comment-inside-continuation"),
    pytest.param(
        "FROM python:3\r\nRUN pip install \\\r\n    flask\r\n",
        "FROM python:3\r\nRUN pip install --no-cache-dir \\\r\n    flask\r\n",
        id="crlf"),
    pytest.param(
        "FROM python:3\nRUN <<EOF\nset -e\npip install flask\nEOF\n",
        "FROM python:3\nRUN <<EOF\nset -e\npip install --no-cache-dir flask\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM python:3\nONBUILD RUN pip install -r requirements.txt\n",
        "FROM python:3\nONBUILD RUN pip install --no-cache-dir -r requirements.txt\n",
        id="onbuild"),
    pytest.param(
        "FROM python:3 AS build\nRUN pip install --prefix=/install -r r.txt\n"
        "FROM python:3-slim\nCOPY --from=build /install /usr/local\n",
        "FROM python:3 AS build\nRUN pip install --no-cache-dir --prefix=/install -r r.txt\n"
        "FROM python:3-slim\nCOPY --from=build /install /usr/local\n",
        id="builder-stage-too"),
    pytest.param(
        "FROM python:3\nENV PIP_NO_CACHE_DIR=\nRUN pip install x\n",
        "FROM python:3\nENV PIP_NO_CACHE_DIR=\nRUN pip install --no-cache-dir x\n",
        id="empty-env-value"),
    pytest.param(
        "FROM python:3\nRUN if [ -f r.txt ]; then pip install -r r.txt; fi\n",
        "FROM python:3\nRUN if [ -f r.txt ]; then pip install --no-cache-dir -r r.txt; fi\n",
        id="nested"),
    pytest.param(
        "FROM python:3\nRUN --mount=type=cache,target=/var/cache/apt pip install x\n",
        "FROM python:3\nRUN --mount=type=cache,target=/var/cache/apt pip install --no-cache-dir x\n",
        id="unrelated-mount"),
    pytest.param(
        "FROM python:3 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3\nRUN pip install x\n",
        "FROM python:3 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3\nRUN pip install --no-cache-dir x\n",
        id="env-of-unrelated-stage"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM python:3\nRUN pip install --no-cache-dir x\n", id="already"),
    pytest.param("FROM python:3\nRUN pip install --no-cache x\n", id="abbreviation"),
    pytest.param("FROM python:3\nRUN pip --no-cache-dir install x\n", id="general-option-first"),
    pytest.param("FROM python:3\nRUN pip install x --no-cache-dir\n", id="option-last"),
    pytest.param("FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n", id="env-true"),
    pytest.param("FROM python:3\nENV PIP_NO_CACHE_DIR=off\nRUN pip install x\n", id="env-off-also-disables"),
    pytest.param("FROM python:3\nENV PIP_NO_CACHE_DIR false\nRUN pip install x\n", id="env-legacy-form"),
    pytest.param("FROM python:3 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install x\n",
                 id="env-from-parent-stage"),
    pytest.param("FROM python:3\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x\n", id="arg-default"),
    pytest.param("ARG PIP_NO_CACHE_DIR=1\nFROM python:3\nARG PIP_NO_CACHE_DIR\nRUN pip install x\n",
                 id="global-arg-default-redeclared-in-the-stage"),
    pytest.param("FROM python:3\nRUN PIP_NO_CACHE_DIR=1 pip install x\n", id="env-prefix"),
    pytest.param("FROM python:3\nRUN env PIP_NO_CACHE_DIR=1 pip install x\n", id="env-wrapper"),
    pytest.param("FROM python:3\nRUN export PIP_NO_CACHE_DIR=1 && pip install x\n", id="exported"),
    pytest.param("FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n", id="cache-mount"),
    pytest.param("FROM python:3\nRUN --mount=type=cache,target=/root/.cache pip install x\n", id="cache-mount-parent"),
    pytest.param("FROM python:3\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install x\n",
                 id="cache-mount-user-home"),
    pytest.param("FROM python:3\nENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install x\n",
                 id="cache-mount-pip-cache-dir"),
    pytest.param("FROM python:3\nRUN pip install --cache-dir /wheels x\n", id="explicit-cache-dir"),
    pytest.param("FROM python:3\nRUN pip download -d /w x && pip wheel -w /w x\n", id="download-and-wheel"),
    pytest.param("FROM python:3\nRUN pipenv install --system && poetry install && pipx install x\n",
                 id="other-tools"),
    pytest.param("FROM python:3\nRUN uv pip install x\n", id="uv"),
    pytest.param("FROM python:3 AS build\nRUN pip install x\nFROM python:3\n"
                 "COPY --from=build /root/.cache/pip /root/.cache/pip\n", id="cache-copied-out"),
    pytest.param("FROM python:3\n# dockeropt: ignore=DO107\nRUN pip install x\n", id="suppressed"),
    pytest.param("FROM python:3\n# hadolint ignore=DL3042\nRUN pip install x\n", id="suppressed-hadolint"),
    pytest.param('FROM python:3\nRUN ["pip", "install", "x"]\n', id="exec-form"),
    pytest.param("FROM python:3\nRUN python -c 'import pip' && pip list\n", id="not-install"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_builder_stage_message_says_where_the_cache_goes():
    text = "FROM python:3 AS build\nRUN pip install x\nFROM python:3-slim\nRUN pip install y\n"
    messages = [r.finding.message for r in rewrite(text, select=ID).findings]
    assert "builder's layers" in messages[0] and "the image" in messages[1]
