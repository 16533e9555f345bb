"""DO112 add-url-archive: fix table, report-only table and no-finding table."""

from __future__ import annotations

import pytest

from .helpers import assert_reported_without_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "add-url-archive"
URL = "https://example.org/app-1.0.tar.gz"
CURL = "RUN apt-get update && apt-get install -y curl\n"

FIXES = [
    pytest.param(
        f"FROM debian:12\n{CURL}ADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz -C /opt\n",
        f'FROM debian:12\n{CURL}RUN curl -fsSL --create-dirs -o /tmp/app-1.0.tar.gz "{URL}" && '
        "tar -xzf /tmp/app-1.0.tar.gz -C /opt && rm -f /tmp/app-1.0.tar.gz\n",
        id="dir-destination-curl-installed-earlier"),
    pytest.param(
        f"FROM alpine:3.20\nADD {URL} /opt/src/app.tgz\nRUN cd /opt/src && tar xzf app.tgz && make\n",
        f'FROM alpine:3.20\nRUN mkdir -p /opt/src && wget -q -O /opt/src/app.tgz "{URL}" && cd /opt/src && '
        "tar xzf app.tgz && rm -f app.tgz && make\n",
        id="alpine-busybox-wget-cd-relative-rm-after-extraction"),
    pytest.param(
        f"FROM python:3.12\nWORKDIR /build\nADD {URL} app.tar.gz\n\nRUN tar xf app.tar.gz && rm app.tar.gz\n",
        f'FROM python:3.12\nWORKDIR /build\n\nRUN curl -fsSL --create-dirs -o /build/app.tar.gz "{URL}" && '
        "tar xf app.tar.gz && rm app.tar.gz\n",
        id="full-official-image-has-curl-workdir-existing-rm-kept"),
    pytest.param(
        f"FROM debian:12\n{CURL}# the sources\nADD {URL} /tmp/\nRUN set -eux && \\\n    tar -xzf /tmp/app-1.0.tar.gz \\\n"
        "    && make\n",
        f"FROM debian:12\n{CURL}# the sources\nRUN curl -fsSL --create-dirs -o /tmp/app-1.0.tar.gz \"{URL}\" && set -eux && \\\n"
        "    tar -xzf /tmp/app-1.0.tar.gz && rm -f /tmp/app-1.0.tar.gz \\\n    && make\n",
        id="comment-kept-continuations"),
    pytest.param(
        f"FROM debian:12\nRUN apt-get update && apt-get install -y wget\nENV V=1.0\n"
        f"ADD https://example.org/app-${{V}}.zip /tmp/app.zip\nRUN unzip /tmp/app.zip -d /opt\n",
        'FROM debian:12\nRUN apt-get update && apt-get install -y wget\nENV V=1.0\n'
        'RUN wget -q -O /tmp/app.zip "https://example.org/app-${V}.zip" && unzip /tmp/app.zip -d /opt && rm -f /tmp/app.zip\n',
        id="zip-wget-variable-in-url"),
    pytest.param(
        f"FROM alpine\n\nADD {URL} /tmp/\n\nRUN tar -xzf /tmp/app-1.0.tar.gz\n",
        f'FROM alpine\n\nRUN wget -q -O /tmp/app-1.0.tar.gz "{URL}" && tar -xzf /tmp/app-1.0.tar.gz && '
        "rm -f /tmp/app-1.0.tar.gz\n",
        id="blank-lines-around-the-add-collapse"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_unsafe_fix(before, after, select=ID)


REPORTED = [
    pytest.param(f"FROM debian:12\nADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz\n", "curl or wget",
                 id="no-download-tool"),
    pytest.param(f"FROM debian:12\nADD {URL} /tmp/\nRUN apt-get update && apt-get install -y curl && tar -xzf "
                 "/tmp/app-1.0.tar.gz\n", "curl or wget", id="tool-installed-in-the-same-run"),
    pytest.param(f"FROM alpine\nADD --checksum=sha256:abc {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz\n",
                 "--checksum", id="checksum"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nUSER app\nRUN tar -xzf /tmp/app-1.0.tar.gz\n", "USER",
                 id="user-changes"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz\nRUN sha1sum /tmp/app-1.0.tar.gz\n",
                 "mentions", id="file-used-later"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz; make\n", "&&", id="semicolon"),
]


@pytest.mark.parametrize(("before", "why"), REPORTED)
def test_reported_without_fix(before, why):
    assert_reported_without_fix(before, why, select=ID)


NOTHING = [
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\n", id="never-extracted"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nRUN tar -xzf /tmp/other.tar.gz\n", id="other-file-extracted"),
    pytest.param("FROM alpine\nADD app-1.0.tar.gz /opt/\n", id="local-archive-is-extracted-by-add"),
    pytest.param("FROM alpine\nADD https://example.org/tool /usr/local/bin/tool\nRUN chmod +x /usr/local/bin/tool\n",
                 id="not-an-archive"),
    pytest.param(f"FROM alpine\nADD {URL} /opt\nRUN tar -xzf /opt/app-1.0.tar.gz\n", id="destination-may-be-a-directory"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nRUN cd /tmp && tar -xzf app.tar.gz\n", id="relative-other-name"),
    pytest.param(f"FROM alpine\nADD {URL} /tmp/\nRUN [\"tar\", \"-xzf\", \"/tmp/app-1.0.tar.gz\"]\n", id="exec-form-run"),
    pytest.param(f"FROM alpine\n# dockeropt: ignore=DO112\nADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz\n",
                 id="suppressed"),
]


@pytest.mark.parametrize("before", NOTHING)
def test_nothing_reported(before):
    assert not assert_unchanged(before, select=ID).findings


def test_the_fix_declares_the_archive_gone_from_the_image():
    before = f"FROM alpine\nADD {URL} /tmp/\nRUN tar -xzf /tmp/app-1.0.tar.gz\n"
    (reported,) = rewrite(before, select=ID, unsafe=True).findings
    assert reported.finding.fix.image_changes == ("/tmp/app-1.0.tar.gz",)
