"""Property tests over generated Dockerfiles (real instruction shapes mixed with random text):
``optimize`` never raises, its output parses and a second run changes nothing; the shell layer
never raises and its spans point into the script. (Character-soup round trips: test_model.py.)"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.config import Config
from optimizer.model import parse
from optimizer.pipeline import optimize
from optimizer.shell import parse_script

_IMAGES = st.sampled_from(["debian:bookworm", "ubuntu:22.04", "alpine:3.20", "python:3.12-slim", "node:20",
                           "maven:3-eclipse-temurin-21", "golang:1.22", "centos:7", "scratch", "$BASE", "build"])
_COMMANDS = st.sampled_from([
    "apt-get update", "apt-get install -y curl ca-certificates", "apt install git", "apt-get -y install make",
    "rm -rf /var/lib/apt/lists/*", "apk add curl", "apk add --no-cache git", "apk update",
    "pip install -r requirements.txt", "pip3 install flask==3.0", "python -m pip install .",
    "npm install", "npm ci", "npm run build", "yarn install", "yum install -y gcc", "dnf install httpd",
    "yum clean all", "mvn -B package", "mvn dependency:go-offline", "go mod download", "go build -o /app .",
    "curl -fsSL https://example.com/x.tgz | tar -xz", "cd /src", "echo \"$HOME\" > /tmp/x", "set -eux",
    "useradd -m app", "make -j4 install", "sh -c 'apt-get update'", "sudo apt-get install -y vim",
    "DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata", "if true; then apt-get update; fi",
    "for p in a b; do pip install $p; done", "$(echo apt-get) install x", "echo `date`", "exit 0",
])
_JOINERS = st.sampled_from([" && ", " && \\\n    ", "; ", " || ", " | ", " \\\n  && ", "\n", " && \\\n# note\n    "])
_JUNK = st.one_of(
    st.text(alphabet=st.sampled_from(list("FROMRUNCOPY aEOF#\\`<-'\"=[],${}()&|;\t\r\n\ufeff\udcff\x00é")),
            max_size=40),
    st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape")),
)


@st.composite
def _run(draw) -> str:
    commands = draw(st.lists(_COMMANDS, min_size=1, max_size=5))
    body = commands[0] + "".join(draw(_JOINERS) + c for c in commands[1:])
    flags = draw(st.sampled_from(["", "--mount=type=cache,target=/root/.cache ", "--network=none "]))
    if draw(st.booleans()) and "\n" not in body:
        return f"RUN {flags}<<EOF\n{body.replace(' && ', chr(10))}\nEOF"
    if draw(st.integers(0, 5)) == 0:
        return f'RUN {flags}["/bin/sh", "-c", "{body}"]'.replace("\n", " ")
    return f"RUN {flags}{body}"


_INSTRUCTIONS = st.one_of(
    _run(),
    _run(),
    st.builds(lambda i, a: f"FROM {i}{a}", _IMAGES, st.sampled_from(["", " AS build", " AS final", " as b2"])),
    st.sampled_from([
        "COPY . .", "COPY . /app", "COPY requirements.txt ./", "COPY package*.json ./", "COPY --from=build /app /app",
        "ADD https://example.com/a.tgz /tmp/", "COPY --chown=app:app src/ /src/", "ADD ../x /x", "COPY target/*.jar app.jar",
        "COPY <<EOF /etc/conf\nkey=value\nEOF", "WORKDIR /app", "WORKDIR $HOME/src", "USER app", "EXPOSE 8080",
        "ENV PATH=/opt/bin:$PATH", "ENV A=1 B=\"two words\"", "ENV PIP_NO_CACHE_DIR=1", "ARG VERSION=1.0",
        "ARG BASE=debian", "LABEL a=b", 'CMD ["python", "app.py"]', "CMD python app.py", 'ENTRYPOINT ["/entry.sh"]',
        "HEALTHCHECK CMD curl -f http://localhost/", 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        "ONBUILD RUN apt-get update", "ONBUILD COPY . /app", "VOLUME /data", "STOPSIGNAL SIGTERM",
        "# dockeropt: ignore=DO101", "# a comment", "", "   ", "run apt-get update", "FROM",
    ]),
    _JUNK,
)


@st.composite
def dockerfiles(draw) -> str:
    """A Dockerfile-ish text: a prefix (BOM, directives), instructions, junk, odd line endings."""
    prefix = draw(st.sampled_from(["", "\ufeff", "# syntax=docker/dockerfile:1\n", "# escape=`\n", "\n"]))
    first = draw(st.sampled_from(["FROM debian:bookworm", "FROM python:3.12", "FROM alpine:3.20", "ARG BASE=x\nFROM $BASE"]))
    body = draw(st.lists(_INSTRUCTIONS, max_size=10))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    end = draw(st.sampled_from(["", newline]))
    return prefix + newline.join([first, *body]).replace("\n", newline) + end


_CONFIGS = st.sampled_from([Config(), Config(unsafe=True)])
_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(dockerfiles())
def test_generated_dockerfiles_round_trip(text):
    assert parse(text).render() == text


@_SETTINGS
@given(dockerfiles(), _CONFIGS)
def test_optimize_never_raises_and_its_output_parses_and_settles(text, config):
    result = optimize(text, config=config)
    assert not [w for w in result.warnings if w.startswith("internal error")]
    if result.problems:
        assert result.text == text
        return
    assert not parse(result.text).problems
    if not any("did not settle" in w for w in result.warnings):
        again = optimize(result.text, config=config)
        assert again.text == result.text, "a second run changes the output again"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_COMMANDS, _JOINERS, _JUNK), max_size=12).map("".join))
def test_shell_layer_never_raises_and_word_spans_point_into_the_script(script):
    parsed = parse_script(script)
    for command in parsed.commands:
        start, end = command.span
        assert 0 <= start <= end <= len(script)
        for word in command.words:
            assert script[word.span[0]:word.span[1]] == word.text_raw
        command.options, command.operands, command.subcommand  # noqa: B018 - derived views must not raise
