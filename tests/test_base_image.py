"""DO303 base-image: the suggestion table (image -> proposed image, hadolint rule) and the no-finding table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_unchanged

ID = "base-image"

SUGGESTED = [
    pytest.param("FROM ubuntu\n", "`ubuntu:<version>`", ("DL3006",), id="no-tag"),
    pytest.param("FROM myorg/app:latest\n", "docker.io/myorg/app:<version>", ("DL3007",), id="latest"),
    pytest.param("FROM python:3.12\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n",
                 "`python:3.12-slim` is ~130 MB", (), id="python-slim"),
    pytest.param("FROM python:3.11-bookworm\nCMD [\"python\"]\n", "`python:3.11-slim-bookworm`", (),
                 id="python-slim-codename"),
    pytest.param("FROM node:22-bookworm\nRUN npm ci\n", "`node:22-bookworm-slim` is ~230 MB", (), id="node-slim-codename"),
    pytest.param("FROM openjdk:17-jdk-slim\nCMD [\"jshell\"]\n", "`eclipse-temurin:17-jdk`", (), id="openjdk"),
    pytest.param("FROM openjdk:8-jre-alpine\nCMD [\"java\"]\n", "`eclipse-temurin:8-jre-alpine`", (),
                 id="openjdk-jre-alpine"),
    pytest.param("FROM openjdk:18\n", "`eclipse-temurin:21-jdk` (Java 18 is not an LTS release: 21 is the next)", (),
                 id="openjdk-non-lts"),
    pytest.param("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y openjdk-17-jre-headless\n",
                 "`FROM eclipse-temurin:17-jre`", (), id="apt-openjdk"),
]


@pytest.mark.parametrize(("before", "wanted", "rules"), SUGGESTED)
def test_suggestion(before, wanted, rules):
    result = assert_unchanged(before, select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert wanted in reported.finding.message, reported.finding.message
    assert reported.hadolint == rules


def test_untagged_full_python_gets_both_suggestions():
    messages = [r.finding.message for r in assert_unchanged("FROM python\nCMD [\"python\"]\n", select=ID).findings]
    assert len(messages) == 2 and "`python:slim`" in messages[1]


NOTHING = [
    pytest.param("FROM python:3.12-slim\n", id="already-slim"),
    pytest.param("FROM python:3.12-alpine\n", id="alpine"),
    pytest.param("FROM python:3.12\nRUN apt-get update && apt-get install -y gcc libpq-dev\n", id="uses-compiler"),
    pytest.param("FROM node:22\nRUN git clone https://example.org/x.git\n", id="uses-git"),
    pytest.param("FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
                 id="builder-stage-not-in-final-image"),
    pytest.param("FROM debian@sha256:" + "a" * 64 + "\n", id="digest"),
    pytest.param("FROM scratch\n", id="scratch"),
    pytest.param("ARG BASE=debian\nFROM $BASE\n", id="variable"),
    pytest.param("FROM debian:12 AS base\nFROM base\n", id="stage-reference"),
    pytest.param("FROM eclipse-temurin:17-jdk\n", id="temurin"),
    pytest.param("FROM ubuntu:22.04\nRUN apt-get install -y default-jdk\n", id="other-package"),
    pytest.param("# hadolint ignore=DL3007\nFROM debian:latest\n", id="suppressed-hadolint"),
]


@pytest.mark.parametrize("before", NOTHING)
def test_nothing_reported(before):
    assert not assert_unchanged(before, select=ID).findings


def test_openjdk_advice_gives_way_to_java_multi_stage_fix_on_the_same_line():
    """Two passes must not give one FROM line two different images: DO301's JRE fix replaces DO303's JDK advice."""
    from optimizer.config import Config
    from optimizer.pipeline import optimize

    jar = "FROM openjdk:17\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"
    by_line = [(r.line, r.pass_.id) for r in optimize(jar, config=Config()).findings]
    assert (1, "DO301") in by_line and (1, "DO303") not in by_line
    shell = "FROM openjdk:17\nCMD [\"jshell\"]\n"  # no JRE fix for DO301 to offer: DO303's advice stays
    assert (1, "DO303") in [(r.line, r.pass_.id) for r in optimize(shell, config=Config()).findings]
