"""DO304 non-root-user: the suggestion table (base -> exact lines) and the no-finding table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_unchanged

ID = "non-root-user"

_DEBIAN = "`RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --create-home app`"
_ALPINE = "`RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app`"

SUGGESTED = [
    pytest.param('FROM python:3.12-slim\nCMD ["python"]\n', 1, [_DEBIAN, "`USER 10001:10001`"], id="debian"),
    pytest.param("FROM ubuntu:24.04\nCMD app\n", 1, [_DEBIAN], id="ubuntu"),
    pytest.param("FROM rockylinux:9\nCMD app\n", 1, [_DEBIAN], id="rhel"),
    pytest.param("FROM golang:1.22-alpine\nCMD app\n", 1, [_ALPINE, "`USER 10001:10001`"], id="alpine"),
    pytest.param("FROM node:22\nCMD node a.js\n", 1, ["`USER node`"], id="node-has-its-user"),
    pytest.param("FROM gcr.io/distroless/static-debian12\nCMD [\"/app\"]\n", 1, ["`USER 65532:65532`"],
                 id="distroless"),
    pytest.param("FROM scratch\nCOPY app /\nCMD [\"/app\"]\n", 1, ["`USER 65534:65534`"], id="scratch"),
    pytest.param("FROM redhat/ubi9-minimal\nCMD app\n", 1, ["`USER 10001:10001`"], id="ubi-minimal-no-useradd"),
    pytest.param("FROM python:3.12\nRUN pip install x\nUSER root\nCMD app\n", 3, [_DEBIAN], id="explicit-root"),
    pytest.param("FROM debian:12\nUSER app\nRUN x\nUSER 0:0\nCMD app\n", 4, [_DEBIAN], id="root-after-user"),
    pytest.param("FROM debian:12 AS base\nUSER root\nFROM base\nCMD app\n", 2, [_DEBIAN], id="root-in-parent-stage"),
    pytest.param("FROM golang:1.22 AS build\nUSER nobody\nFROM alpine:3.20\nCMD app\n", 3, [_ALPINE],
                 id="user-of-another-stage-does-not-count"),
    pytest.param("from debian:12\ncmd app\n", 1, [_DEBIAN.replace("RUN", "run"), "`user 10001:10001`"],
                 id="lower-case-file"),
]


@pytest.mark.parametrize(("before", "line", "wanted"), SUGGESTED)
def test_suggestion_names_the_lines_for_the_distribution(before, line, wanted):
    result = assert_unchanged(before, select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert reported.finding.line == line
    assert all(w in reported.finding.message for w in wanted), reported.finding.message


def test_low_port_and_unknown_base_are_named_in_the_risk():
    (reported,) = assert_unchanged("FROM myorg/web\nEXPOSE 80\nCMD app\n", select=ID).findings
    assert "port 80" in reported.finding.risk and "myorg/web" in reported.finding.risk
    assert "`USER 10001:10001`" in reported.finding.message


def test_hadolint_rule_only_for_an_explicit_root():
    (explicit,) = assert_unchanged("FROM debian\nUSER root\n", select=ID).findings
    (implicit,) = assert_unchanged("FROM debian\n", select=ID).findings
    assert explicit.hadolint == ("DL3002",) and implicit.hadolint == ()


NOTHING = [
    pytest.param("FROM debian:12\nUSER app\nCMD app\n", id="named-user"),
    pytest.param("FROM debian:12\nUSER 1000:1000\n", id="numeric-user"),
    pytest.param("FROM debian:12 AS base\nUSER app\nFROM base\nCMD app\n", id="user-in-parent-stage"),
    pytest.param("FROM debian:12\nUSER $APP_USER\n", id="variable-user"),
    pytest.param("FROM gcr.io/distroless/static-debian12:nonroot\nCMD [\"/app\"]\n", id="distroless-nonroot"),
    pytest.param("FROM bitnami/nginx:1.27\n", id="bitnami"),
    pytest.param("FROM cgr.dev/chainguard/python\n", id="chainguard"),
    pytest.param("FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n", id="entrypoint-drops-privileges"),
    pytest.param("FROM debian:12\nRUN apt-get update && apt-get install -y gosu\nENTRYPOINT [\"/e.sh\"]\n",
                 id="gosu"),
    pytest.param("FROM alpine\nENTRYPOINT [\"su-exec\", \"app\", \"/app\"]\n", id="su-exec"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD app.exe\n", id="windows"),
    pytest.param("FROM debian\n# hadolint ignore=DL3002\nUSER root\n", id="suppressed-hadolint"),
    pytest.param("# dockeropt: ignore=non-root-user\nFROM debian\n", id="suppressed"),
]


@pytest.mark.parametrize("before", NOTHING)
def test_nothing_reported(before):
    assert not assert_unchanged(before, select=ID).findings
