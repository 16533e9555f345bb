"""DO106 apk-no-cache: fix table and no-change table."""

from __future__ import annotations

import pytest


from .helpers import assert_safe_fix, assert_unchanged, rewrite

ID = "apk-no-cache"

FIXES = [
    pytest.param(
        "FROM alpine:3.20\nRUN apk add curl\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
        id="plain"),
    pytest.param(
        "FROM alpine\nRUN apk add --virtual .build-deps gcc musl-dev \\\n && make \\\n && apk del .build-deps\n",
        "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n && make \\\n && apk del .build-deps\n",
        id="virtual-group"),
    pytest.param(
        "FROM alpine\nRUN apk add -U curl\n",
        "FROM alpine\nRUN apk add --no-cache -U curl\n",
        id="update-flag-kept"),
    pytest.param(
        "FROM alpine\nRUN apk --update add curl\n",
        "FROM alpine\nRUN apk --update add --no-cache curl\n",
        id="global-option-before-add"),
    pytest.param(
        "FROM alpine\nRUN sudo apk add curl\n",
        "FROM alpine\nRUN sudo apk add --no-cache curl\n",
        id="sudo"),
    pytest.param(
        "FROM alpine\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
        "FROM alpine\nRUN apk add --no-cache curl && rm -rf /var/cache/apk/*\n",
        id="rm-cache-kept-hadolint-still-flags-it"),
    pytest.param(
        "FROM alpine\nRUN apk update && apk add curl\n",
        "FROM alpine\nRUN apk add --no-cache curl\n",
        id="update-and-add"),
    pytest.param(
        "FROM alpine\nRUN apk update && apk add --no-cache curl\n",
        "FROM alpine\nRUN apk add --no-cache curl\n",
        id="update-before-no-cache"),
    pytest.param(
        "FROM alpine\nRUN apk update \\\n    && apk add \\\n       curl \\\n    && echo ok\n",
        "FROM alpine\nRUN apk add --no-cache \\\n       curl \\\n    && echo ok\n",
        id="update-leading-ampersands"),
    pytest.param(
        "FROM alpine\nRUN set -eux && \\\n    apk update && \\\n    apk add curl\n",
        "FROM alpine\nRUN set -eux && \\\n    apk add --no-cache curl\n",
        id="update-trailing-ampersands-mid-chain"),
    pytest.param(
        "FROM alpine\nRUN set -eux; \\\n    apk update; \\\n    apk add curl\n",
        "FROM alpine\nRUN set -eux; \\\n    apk add --no-cache curl\n",
        id="update-semicolons"),
    pytest.param(
        "FROM alpine\n# refresh the index\nRUN apk update\nRUN apk add curl\n",
        "FROM alpine\n# refresh the index\nRUN apk add --no-cache curl\n",
        id="lone-update-run"),
    pytest.param(
        "FROM alpine\nRUN apk update && apk add --virtual .b gcc && make && apk del .b\n",
        "FROM alpine\nRUN apk add --no-cache --virtual .b gcc && make && apk del .b\n",
        id="update-virtual-del"),
    pytest.param(
        "FROM alpine\r\nRUN apk update && \\\r\n    apk add curl\r\n",
        "FROM alpine\r\nRUN apk add --no-cache curl\r\n",
        id="crlf"),
    pytest.param(
        "FROM alpine\nRUN apk add \\\n    # for the healthcheck\n    curl \\\n    git\n",
        "FROM alpine\nRUN apk add --no-cache \\\n    # for the healthcheck\n    curl \\\n    git\n",
        id="comment-inside-continuation"),
    pytest.param(
        "FROM alpine\nRUN <<EOF\napk update\napk add git\nEOF\n",
        "FROM alpine\nRUN <<EOF\napk add --no-cache git\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM alpine\nONBUILD RUN apk add curl\n",
        "FROM alpine\nONBUILD RUN apk add --no-cache curl\n",
        id="onbuild"),
    pytest.param(
        "FROM alpine AS build\nRUN apk add gcc\nFROM alpine\nRUN apk add curl\n",
        "FROM alpine AS build\nRUN apk add --no-cache gcc\nFROM alpine\nRUN apk add --no-cache curl\n",
        id="multi-stage-every-stage"),
    pytest.param(
        "FROM alpine\nRUN if [ -n \"$X\" ]; then apk add curl; fi\n",
        "FROM alpine\nRUN if [ -n \"$X\" ]; then apk add --no-cache curl; fi\n",
        id="nested-add"),
    pytest.param(
        "FROM alpine\nRUN --mount=type=cache,target=/root/.cache apk add curl\n",
        "FROM alpine\nRUN --mount=type=cache,target=/root/.cache apk add --no-cache curl\n",
        id="unrelated-mount"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


NO_CHANGE = [
    pytest.param("FROM alpine\nRUN apk add --no-cache curl\n", id="already-no-cache"),
    pytest.param("FROM alpine\nRUN apk --no-cache add curl\n", id="global-no-cache"),
    pytest.param("FROM alpine\nRUN apk add curl --no-cache\n", id="no-cache-after-packages"),
    pytest.param("FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk update && apk add curl\n",
                 id="cache-mount"),
    pytest.param("FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\n", id="etc-cache-mount"),
    pytest.param("FROM alpine\nRUN --mount=type=bind,source=apk,target=/var/cache/apk apk add curl\n",
                 id="bind-mounted-offline-cache"),
    pytest.param("FROM alpine\nRUN --mount=type=cache,target=/c apk add --cache-dir /c curl\n", id="cache-dir-mounted"),
    pytest.param("FROM alpine\nRUN apk add --no-network curl\n", id="no-network-needs-cache"),
    pytest.param("FROM alpine\nRUN apk update && apk add --no-cache a && apk upgrade\n",
                 id="update-serves-upgrade"),
    pytest.param("FROM alpine\nRUN apk update && apk add --no-cache a\nRUN apk search b\n",
                 id="update-serves-later-search"),
    pytest.param("FROM alpine\nRUN apk update\nRUN apk info -a musl\n", id="lone-update-serves-info"),
    pytest.param("FROM alpine\nRUN apk update\n", id="lone-update-without-add"),
    pytest.param('FROM alpine\nRUN apk update\nRUN ["apk", "add", "--no-cache", "a"]\n', id="exec-form-reader"),
    pytest.param("FROM alpine\nRUN apk update && \\\n    # keep\n    apk add --no-cache a\n",
                 id="comment-between-update-and-add"),
    pytest.param("FROM alpine\nRUN true && apk update; apk add --no-cache a\n", id="regrouping-operators"),
    pytest.param("FROM alpine\nRUN false || apk update && apk add --no-cache a\n", id="update-after-or"),
    pytest.param("FROM alpine\nRUN if true; then apk update; fi && apk add --no-cache a\n", id="nested-update"),
    pytest.param("FROM alpine\nRUN apk add --no-cache a && apk update\n", id="update-last"),
    pytest.param("FROM alpine\nRUN apk update && ./install-deps.sh\n", id="update-without-add-in-run"),
    pytest.param("FROM alpine\n# dockeropt: ignore=apk-no-cache\nRUN apk update && apk add curl\n", id="suppressed"),
    pytest.param("FROM alpine\n# hadolint ignore=DL3019\nRUN apk add curl\n", id="suppressed-hadolint"),
    pytest.param('FROM alpine\nRUN ["apk", "add", "curl"]\n', id="exec-form"),
    pytest.param("FROM alpine\nRUN sh -c 'apk add curl'\n", id="sh-c-string"),
    pytest.param("FROM alpine\nRUN apk del curl\n", id="del"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_finding_points_at_the_command_line():
    result = rewrite("FROM alpine\nRUN set -e; \\\n    apk add curl\n", select=ID)
    (reported,) = result.findings
    assert reported.line == 3
    assert "--no-cache" in reported.finding.message
