"""DO302 go-multi-stage: fix table (per runtime), report-only table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.config import Config
from optimizer.context import BuildContext
from optimizer.pipeline import Status, optimize

from .helpers import assert_unchanged, assert_unsafe_fix

ID = "go-multi-stage"
STATIC = ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n"
          'EXPOSE 8080\nCMD ["/out/app"]\n')
BUILDER = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n\n"
TAIL = 'COPY --from=build /out/app /out/app\nEXPOSE 8080\nCMD ["/out/app"]\n'

FIXES = [
    pytest.param(STATIC, BUILDER + "FROM gcr.io/distroless/static-debian12\nWORKDIR /src\n" + TAIL,
                 id="static-distroless"),
    pytest.param(STATIC.replace("EXPOSE", 'HEALTHCHECK CMD ["/out/app", "-health"]\nEXPOSE'),
                 BUILDER + "FROM gcr.io/distroless/static-debian12\nWORKDIR /src\n"
                 + TAIL.replace("EXPOSE", 'HEALTHCHECK CMD ["/out/app", "-health"]\nEXPOSE'),
                 id="healthcheck-runs-the-binary"),
    pytest.param(
        "FROM golang:1.22-bookworm\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nCMD [\"./server\"]\n",
        "FROM golang:1.22-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\n\n"
        "FROM gcr.io/distroless/base-debian12\nWORKDIR /app\nCOPY --from=build /app/server /app/server\n"
        "CMD [\"./server\"]\n",
        id="cgo-glibc-matching-debian-release"),
    pytest.param(
        "FROM golang:1.22-alpine\nWORKDIR /app\nRUN apk add --no-cache git\nCOPY . .\n"
        "RUN go build -ldflags '-s -w' -o /bin/app\nENTRYPOINT [\"/bin/app\"]\n",
        "FROM golang:1.22-alpine AS build\nWORKDIR /app\nRUN apk add --no-cache git\nCOPY . .\n"
        "RUN go build -ldflags '-s -w' -o /bin/app\n\nFROM gcr.io/distroless/static-debian12\nWORKDIR /app\n"
        "COPY --from=build /bin/app /bin/app\nENTRYPOINT [\"/bin/app\"]\n",
        id="alpine-without-c-compiler-is-static"),
    pytest.param(
        "FROM golang:1.22 AS base\nENV CGO_ENABLED=0 APP_ENV=prod\nWORKDIR /src\nCOPY . .\n"
        "RUN cd cmd/api && go build -o ../../bin/api\nUSER 65532\n# serve\nCMD /src/bin/api --port 80\n",
        "FROM golang:1.22 AS base\nENV CGO_ENABLED=0 APP_ENV=prod\nWORKDIR /src\nCOPY . .\n"
        "RUN cd cmd/api && go build -o ../../bin/api\n\nFROM gcr.io/distroless/static-debian12\nWORKDIR /src\n"
        "ENV CGO_ENABLED=0 APP_ENV=prod\nCOPY --from=base /src/bin/api /src/bin/api\nUSER 65532\n# serve\n"
        'CMD ["/src/bin/api", "--port", "80"]\n',
        id="named-stage-cd-env-user-comment-shell-form-to-exec"),
    pytest.param(
        "FROM golang:1.22\r\nCOPY . /src\r\nRUN cd /src && CGO_ENABLED=0 go build -o /app\r\nCMD [\"/app\"]\r\n",
        "FROM golang:1.22 AS build\r\nCOPY . /src\r\nRUN cd /src && CGO_ENABLED=0 go build -o /app\r\n\r\n"
        "FROM gcr.io/distroless/static-debian12\r\nCOPY --from=build /app /app\r\nCMD [\"/app\"]\r\n",
        id="crlf-no-workdir"),
    pytest.param(
        STATIC.replace("FROM", "from").replace("WORKDIR", "workdir").replace("COPY", "copy").replace("RUN", "run")
        .replace("EXPOSE", "expose").replace("CMD", "cmd"),
        "from golang:1.22 as build\nworkdir /src\ncopy . .\nrun CGO_ENABLED=0 go build -o /out/app ./cmd/app\n\n"
        "from gcr.io/distroless/static-debian12\nworkdir /src\ncopy --from=build /out/app /out/app\n"
        'expose 8080\ncmd ["/out/app"]\n',
        id="lower-case-file-gets-lower-case-lines"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_unsafe_fix(before, after, select=ID)


RUNTIMES = [
    pytest.param("scratch", "FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt "
                 "/etc/ssl/certs/ca-certificates.crt\nCOPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo\n"
                 "WORKDIR /src\n", id="scratch"),
    pytest.param("alpine", "FROM alpine:3.21\nRUN apk add --no-cache ca-certificates tzdata\nWORKDIR /src\n",
                 id="alpine"),
    pytest.param("debian", "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y "
                 "--no-install-recommends ca-certificates tzdata && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\n",
                 id="debian"),
]


@pytest.mark.parametrize(("runtime", "head"), RUNTIMES)
def test_go_runtime_setting(runtime, head):
    config = Config(select=frozenset({ID}), unsafe=True, options={"go-runtime": runtime})
    result = optimize(STATIC, config=config)
    assert result.text == BUILDER + head + TAIL
    assert optimize(result.text, config=config).text == result.text


@pytest.mark.parametrize("runtime", ["scratch", "alpine", "debian"])
def test_go_runtime_setup_lines_follow_a_lower_case_file(runtime):
    config = Config(select=frozenset({ID}), unsafe=True, options={"go-runtime": runtime})
    before = "from golang:1.22\nworkdir /src\ncopy . .\nrun CGO_ENABLED=0 go build -o /out/app ./cmd/app\ncmd /out/app\n"
    result = optimize(before, config=config)
    assert result.text != before
    keywords = [line.split()[0] for line in result.text.splitlines() if line]
    assert all(keyword.islower() for keyword in keywords), keywords


REPORTED = [
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o app .\nCMD [\"/app/app\"]\n",
                 "Debian release", id="cgo-unknown-glibc"),
    pytest.param(STATIC.replace("COPY . .\n", "COPY . .\nRUN apt-get update && apt-get install -y ffmpeg\n"),
                 "ffmpeg", id="runtime-package"),
    pytest.param(STATIC.replace('EXPOSE', 'RUN mkdir /data && cp config.yml /data/\nEXPOSE'), "after the build",
                 id="step-after-build"),
    pytest.param(STATIC.replace("EXPOSE", "USER app\nEXPOSE"), "USER app", id="named-user"),
    pytest.param(STATIC.replace("EXPOSE", "HEALTHCHECK CMD curl -f http://localhost:8080/\nEXPOSE"), "HEALTHCHECK",
                 id="healthcheck-curl"),
    pytest.param(STATIC.replace("EXPOSE", 'HEALTHCHECK CMD ["/bin/grpc_health_probe", "-addr=:8080"]\nEXPOSE'),
                 "grpc_health_probe", id="healthcheck-other-program"),
    pytest.param(STATIC.replace("EXPOSE", "HEALTHCHECK CMD /out/app -health || exit 1\nEXPOSE"), "needs a shell",
                 id="healthcheck-shell-form-on-distroless"),
    pytest.param(STATIC.replace('CMD ["/out/app"]', "CMD /out/app --port $PORT"), "shell", id="shell-variable"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nCMD go run main.go\n", "go run", id="go-run"),
]


@pytest.mark.parametrize(("before", "why"), REPORTED)
def test_reported_without_fix(before, why):
    result = assert_unchanged(before, select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION
    assert why in reported.finding.risk + reported.finding.message


def test_folders_of_files_the_program_may_read_are_copied_too():
    context = BuildContext.from_listing(["go.mod", "go.sum", "main.go", "README.md", "templates/index.html",
                                         "templates/base.html", "config.yaml", "internal/x/x.go"])
    result = optimize(STATIC, context, Config(select=frozenset({ID}), unsafe=True))
    assert result.text == BUILDER + "FROM gcr.io/distroless/static-debian12\nWORKDIR /src\n" + TAIL.replace(
        "EXPOSE", "COPY --from=build /src/config.yaml /src/config.yaml\n"
                  "COPY --from=build /src/templates /src/templates\nEXPOSE")
    assert "/src/templates" in result.findings[0].finding.risk


LOOSE = [
    pytest.param(STATIC.replace("COPY . .", "COPY . .\nCOPY config.yaml /etc/app/"), ["config.yaml"],
                 id="a-data-file-copied-on-its-own"),
    pytest.param(STATIC.replace("WORKDIR /src\n", ""), ["templates/index.html"], id="landing-not-known"),
    pytest.param(STATIC, ["a/x.html", "b/x.html", "c/x.html", "d/x.html", "e/x.html"], id="too-many-folders"),
]


@pytest.mark.parametrize(("before", "data"), LOOSE)
def test_files_the_program_may_read_that_cannot_be_placed_make_it_a_suggestion(before, data):
    context = BuildContext.from_listing(["go.mod", "main.go", *data])
    result = optimize(before, context, Config(select=frozenset({ID}), unsafe=True))
    (reported,) = result.findings
    assert result.text == before and reported.status is Status.SUGGESTION
    assert "may read at run time" in reported.finding.risk


def test_a_go_only_context_keeps_the_fix():
    context = BuildContext.from_listing(["go.mod", "go.sum", "main.go", "README.md", "LICENSE", "cmd/app/main.go",
                                         "testdata/x.json", ".github/workflows/ci.yml"])
    result = optimize(STATIC, context, Config(select=frozenset({ID}), unsafe=True))
    assert [r.status for r in result.findings] == [Status.APPLIED]


def test_a_free_stage_name_is_found():
    before = ("FROM alpine AS build\nFROM alpine AS builder\nFROM alpine AS build-stage\n" + STATIC)
    result = optimize(before, config=Config(select=frozenset({ID}), unsafe=True))
    assert "FROM golang:1.22 AS build-2\n" in result.text and "COPY --from=build-2 /out/app" in result.text


NO_CHANGE = [
    pytest.param("FROM golang:1.22\nRUN go build -o /app\nCMD [\"/other\"]\n", id="runs-something-else"),
    pytest.param("FROM golang:1.22\nRUN go install ./...\nCMD [\"app\"]\n", id="no-output-path"),
    pytest.param("FROM golang:1.22 AS b\nRUN go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=b /app /\n"
                 "CMD [\"/app\"]\n", id="already-multi-stage"),
    pytest.param("FROM golang:1.22 AS b\nFROM b\nRUN CGO_ENABLED=0 go build -o /app\nCMD [\"/app\"]\n",
                 id="built-from-a-stage"),
    pytest.param("FROM golang:1.22\nONBUILD COPY . .\nRUN CGO_ENABLED=0 go build -o /app\nCMD [\"/app\"]\n",
                 id="onbuild"),
    pytest.param("FROM debian:12\nRUN CGO_ENABLED=0 go build -o /app\nCMD [\"/app\"]\n", id="not-golang"),
    pytest.param("FROM golang:${GO}\nRUN CGO_ENABLED=0 go build -o /app\nCMD [\"/app\"]\n", id="variable-base"),
    pytest.param("# dockeropt: ignore=DO302\n" + STATIC, id="suppressed"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert not assert_unchanged(before, select=ID).findings
