"""DO201 copy-after-dependencies: fix table, unsafe table, no-change table, suggestions."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_rewrites, assert_safe_fix, assert_unchanged, assert_unsafe_fix, rewrite

ID = "copy-after-dependencies"
APT = "RUN apt-get update && apt-get install -y curl\n"

FIXES = [
    pytest.param(
        "FROM debian\nCOPY . /app\n" + APT + 'CMD ["app"]\n',
        "FROM debian\n" + APT + 'COPY . /app\nCMD ["app"]\n',
        id="seed"),
    pytest.param(
        "FROM debian\nWORKDIR /app\nCOPY . .\n" + APT,
        "FROM debian\nWORKDIR /app\n" + APT + "COPY . .\n",
        id="dot-into-known-workdir"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get update\nRUN apt-get install -y curl\nRUN make -C /app\n",
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /app\nRUN make -C /app\n",
        id="consecutive-runs-move-together-in-order"),
    pytest.param(
        "FROM debian\n# sources\nCOPY . /app\n\n# tools\n" + APT + "\nCMD [\"app\"]\n",
        "FROM debian\n# tools\n" + APT + "\n# sources\nCOPY . /app\n\nCMD [\"app\"]\n",
        id="comments-and-blank-lines-travel"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get install -y a \\\n    # why b\n    b \\\n && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian\nRUN apt-get install -y a \\\n    # why b\n    b \\\n && rm -rf /var/lib/apt/lists/*\nCOPY . /app\n",
        id="comment-in-continuation"),
    pytest.param(
        "FROM debian\r\nCOPY . /app\r\n\r\nRUN apt-get install -y a \\\r\n  b\r\nCMD [\"x\"]\r\n",
        "FROM debian\r\nRUN apt-get install -y a \\\r\n  b\r\n\r\nCOPY . /app\r\nCMD [\"x\"]\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get install -y a",
        "FROM debian\nRUN apt-get install -y a\nCOPY . /app",
        id="no-final-newline"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get install -y a\nRUN apt-get install -y b",
        "FROM debian\nRUN apt-get install -y a\nRUN apt-get install -y b\nCOPY . /app",
        id="no-final-newline-two-runs"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\nCMD [\"x\"]\n",
        "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\nCOPY . /app\nCMD [\"x\"]\n",
        id="heredoc-run"),
    pytest.param(
        "FROM golang AS build\nCOPY . /src\nRUN go build -o /out/app ./...\n"
        "FROM debian\nCOPY --from=build /out/app /usr/local/bin/app\n" + APT + 'CMD ["app"]\n',
        "FROM golang AS build\nCOPY . /src\nRUN go build -o /out/app ./...\n"
        "FROM debian\n" + APT + 'COPY --from=build /out/app /usr/local/bin/app\nCMD ["app"]\n',
        id="multi-stage-copy-from-stage"),
    pytest.param(
        "FROM debian\nWORKDIR /app\nCOPY requirements.txt .\nRUN apt-get install -y gcc\n"
        "RUN pip install -r requirements.txt\nCOPY . .\nRUN apt-get install -y make\n",
        "FROM debian\nWORKDIR /app\nRUN apt-get install -y gcc\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\nRUN apt-get install -y make\nCOPY . .\n",
        id="stops-at-a-run-that-reads-the-copy"),
    pytest.param(
        "FROM debian\nCOPY b /opt/b\nCOPY a /app/a\nRUN cat /opt/b/x > /etc/x && apt-get install -y c\n",
        "FROM debian\nCOPY b /opt/b\nRUN cat /opt/b/x > /etc/x && apt-get install -y c\nCOPY a /app/a\n",
        id="partial-move-below-the-copy-it-reads"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN mkdir -p /var/log/app && ln -s /usr/bin/python3 /usr/local/bin/python\n",
        "FROM debian\nRUN mkdir -p /var/log/app && ln -s /usr/bin/python3 /usr/local/bin/python\nCOPY . /app\n",
        id="cheap-steps-above-a-broad-copy"),
    pytest.param(
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir --upgrade pip setuptools\n",
        "FROM python:3.12\nWORKDIR /app\nRUN pip install --no-cache-dir --upgrade pip setuptools\nCOPY . .\n",
        id="pip-install-named-packages"),
    pytest.param(
        "FROM alpine\nWORKDIR /src\nCOPY . .\nRUN apk add --no-cache git make\nRUN go mod download\n",
        "FROM alpine\nWORKDIR /src\nRUN apk add --no-cache git make\nCOPY . .\nRUN go mod download\n",
        id="apk"),
    pytest.param(
        "FROM fedora\nCOPY . /app\nRUN dnf install -y gcc && dnf clean all\n",
        "FROM fedora\nRUN dnf install -y gcc && dnf clean all\nCOPY . /app\n",
        id="dnf"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x\n",
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x\nCOPY . /app\n",
        id="cache-mount"),
    pytest.param(
        "FROM debian\nCOPY entrypoint.sh /usr/local/bin/\n" + APT,
        "FROM debian\n" + APT + "COPY entrypoint.sh /usr/local/bin/\n",
        id="named-file-into-path-dir"),
    pytest.param(
        "FROM debian\nENV V=17\nCOPY . /app\nRUN apt-get install -y openjdk-${V}-jdk curl\n",
        "FROM debian\nENV V=17\nRUN apt-get install -y openjdk-${V}-jdk curl\nCOPY . /app\n",
        id="variable-inside-a-package-name"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN echo 'deb http://x stable main' > /etc/apt/sources.list.d/x.list"
        " && curl -fsSL https://x/key.gpg -o /usr/share/keyrings/x.gpg && apt-get update\n",
        "FROM debian\nRUN echo 'deb http://x stable main' > /etc/apt/sources.list.d/x.list"
        " && curl -fsSL https://x/key.gpg -o /usr/share/keyrings/x.gpg && apt-get update\nCOPY . /app\n",
        id="repository-setup"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN groupadd -r app && useradd -r -g app app\n",
        "FROM debian\nRUN groupadd -r app && useradd -r -g app app\nCOPY . /app\n",
        id="user-creation"),
    pytest.param(
        "FROM debian\nCOPY . /app\n# dockeropt: ignore=DO999\nRUN apt-get install -y x\n",
        "FROM debian\n# dockeropt: ignore=DO999\nRUN apt-get install -y x\nCOPY . /app\n",
        id="other-pass-suppressed"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get install -y a\nRUN pip install -U pip\nRUN rm -rf ~/.cache\n",
        "FROM debian\nRUN apt-get install -y a\nRUN pip install -U pip\nRUN rm -rf ~/.cache\nCOPY . /app\n",
        id="home-is-root-or-under-home-not-the-copy"),
    pytest.param(
        "FROM debian\nENV HOME=/app\nCOPY . /srv\nRUN rm -rf ~/.cache\n",
        "FROM debian\nENV HOME=/app\nRUN rm -rf ~/.cache\nCOPY . /srv\n",
        id="home-from-env"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN curl -fsSL https://x/y.tgz | tar xz -C /opt && ln -sf /usr/share/zoneinfo/$TZ /etc/localtime\n",
        "FROM debian\nRUN curl -fsSL https://x/y.tgz | tar xz -C /opt && ln -sf /usr/share/zoneinfo/$TZ /etc/localtime\nCOPY . /app\n",
        id="download-and-unpack-elsewhere"),
    pytest.param(
        "FROM debian\nWORKDIR /app\nCOPY . .\nRUN cd /tmp && curl -fsSLO https://x/y.tgz && tar xzf y.tgz -C /opt && rm y.tgz\n",
        "FROM debian\nWORKDIR /app\nRUN cd /tmp && curl -fsSLO https://x/y.tgz && tar xzf y.tgz -C /opt && rm y.tgz\nCOPY . .\n",
        id="cd-elsewhere-then-relative-paths"),
    pytest.param(
        "FROM debian\nWORKDIR /app\nCOPY . .\nRUN cd .. && rm -rf /app.bak\n",
        "FROM debian\nWORKDIR /app\nRUN cd .. && rm -rf /app.bak\nCOPY . .\n",
        id="cd-to-a-parent-is-not-entering-the-copy"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


UNSAFE_FIXES = [
    pytest.param(
        "FROM debian\nCOPY index.php /var/www/html/\n" + APT,
        "FROM debian\n" + APT + "COPY index.php /var/www/html/\n",
        id="system-directory-packages-may-write"),
    pytest.param(
        "FROM debian\nCOPY . .\n" + APT,
        "FROM debian\n" + APT + "COPY . .\n",
        id="base-image-workdir"),
    pytest.param(
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g nodemon\nRUN npm ci\n",
        "FROM node:20\nWORKDIR /app\nRUN npm install -g nodemon\nCOPY . .\nRUN npm ci\n",
        id="npm-global-in-the-copied-directory"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs\n",
        "FROM debian\nRUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs\nCOPY . /app\n",
        id="downloaded-script"),
    pytest.param(
        "FROM debian\nCOPY . $APP\nRUN apt-get install -y x\n",
        "FROM debian\nRUN apt-get install -y x\nCOPY . $APP\n",
        id="destination-unresolved"),
    pytest.param(
        "FROM debian\nCOPY . /app\nRUN apt-get install -y $PACKAGES\n",
        "FROM debian\nRUN apt-get install -y $PACKAGES\nCOPY . /app\n",
        id="package-list-from-a-variable"),
    pytest.param(
        "FROM debian\nCOPY bin/ /usr/local/bin/\n" + APT,
        "FROM debian\n" + APT + "COPY bin/ /usr/local/bin/\n",
        id="directory-into-path-dir"),
    pytest.param(
        "FROM debian\nCOPY --chown=app . /home/app/src\nRUN mkdir -p /home/app/logs && apt-get install -y x\n",
        "FROM debian\nRUN mkdir -p /home/app/logs && apt-get install -y x\nCOPY --chown=app . /home/app/src\n",
        id="chown-and-a-shared-new-parent"),
    pytest.param(
        "FROM debian\nENV PATH=/app/bin:$PATH\nCOPY . /app\nRUN apt-get install -y x\n",
        "FROM debian\nENV PATH=/app/bin:$PATH\nRUN apt-get install -y x\nCOPY . /app\n",
        id="path-directory-inside-the-copy"),
    pytest.param(
        "FROM debian\nCOPY . /root/app\nRUN rm -rf ~/.cache && apt-get install -y x\n",
        "FROM debian\nRUN rm -rf ~/.cache && apt-get install -y x\nCOPY . /root/app\n",
        id="home-may-hold-the-copy"),
]


@pytest.mark.parametrize(("before", "after"), UNSAFE_FIXES)
def test_unsafe_fix_needs_opt_in(before, after):
    assert_unsafe_fix(before, after, select=ID)


def test_safe_runs_move_first_then_the_unsafe_rest_is_reported():
    before = "FROM debian\nCOPY . /app\nRUN apt-get install -y a\nRUN apt-get install -y $X\n"
    result = rewrite(before, select=ID)
    assert result.text == "FROM debian\nRUN apt-get install -y a\nCOPY . /app\nRUN apt-get install -y $X\n"
    assert [r.status for r in result.findings] == [Status.APPLIED, Status.NEEDS_UNSAFE]
    assert_rewrites(before, "FROM debian\nRUN apt-get install -y a\nRUN apt-get install -y $X\nCOPY . /app\n",
                    select=ID, unsafe=True)


NO_CHANGE = [
    # HOME is /app (useradd -d + USER): pip --user reads its configuration and writes ~/.local there
    pytest.param("FROM debian\nRUN useradd -d /app app\nUSER app\nCOPY . /app\nRUN pip install --user x\n",
                 id="the-users-home-is-the-copy"),
    pytest.param("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
                 id="pip-requirements-in-the-copy"),
    pytest.param("FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
                 id="pip-requirements-absolute"),
    pytest.param("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -e .\n", id="pip-editable-dot"),
    pytest.param("FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", id="npm-ci"),
    pytest.param("FROM node\nWORKDIR /app\nCOPY . .\nRUN npm install\n", id="npm-install-project"),
    pytest.param("FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n", id="mvn"),
    pytest.param("FROM debian\nCOPY . /app\nRUN make -C /app\n", id="make"),
    pytest.param("FROM debian\nWORKDIR /app\nCOPY . .\nRUN ./configure && make\n", id="script"),
    pytest.param("FROM debian\nCOPY . /app\nRUN sh /app/install.sh\n", id="sh-script"),
    pytest.param("FROM debian\nCOPY . /app\nRUN cd /app && apt-get install -y x\n", id="cd-into-the-copy"),
    pytest.param("FROM debian\nWORKDIR /\nCOPY . /app\nRUN cd app/sub && apt-get install -y x\n",
                 id="cd-relative-into-the-copy"),
    pytest.param("FROM debian\nWORKDIR /tmp\nCOPY . /app\nRUN cd / && tar czf backup.tgz app\n",
                 id="relative-path-after-cd"),
    pytest.param("FROM debian\nCOPY . /app\nRUN chmod +x /app/run.sh\n", id="chmod-the-copy"),
    pytest.param("FROM debian\nCOPY . /app\nRUN chown -R app /app && apt-get install -y x\n", id="chown-the-copy"),
    pytest.param("FROM debian\nCOPY . /app\nRUN mkdir -p /app/logs\n", id="mkdir-under-the-copy"),
    pytest.param("FROM debian\nCOPY . /app/src\nRUN rm -rf /app\n", id="parent-of-the-copy"),
    pytest.param("FROM debian\nCOPY . /app\nRUN echo /app/lib > /etc/ld.so.conf.d/app.conf && ldconfig\n",
                 id="mentions-the-destination"),
    pytest.param("FROM debian\nCOPY . /app\nRUN git clone https://x/y.git /opt/y\n", id="git"),
    pytest.param("FROM debian\nCOPY sources.list /etc/apt/sources.list\nRUN apt-get update && apt-get install -y x\n",
                 id="copy-feeds-apt"),
    pytest.param("FROM alpine\nCOPY repositories /etc/apk/repositories\nRUN apk add --no-cache x\n",
                 id="copy-feeds-apk"),
    pytest.param("FROM fedora\nCOPY x.repo /etc/yum.repos.d/\nRUN dnf install -y x\n", id="copy-feeds-dnf"),
    pytest.param("FROM python\nCOPY pip.conf /etc/pip.conf\nRUN pip install flask\n", id="copy-feeds-pip"),
    pytest.param("FROM debian\nCOPY certs/ /usr/local/share/ca-certificates/\nRUN update-ca-certificates\n",
                 id="copy-feeds-ca-certificates"),
    pytest.param("FROM debian\nCOPY x.deb /tmp/\nRUN apt-get install -y /tmp/x.deb\n", id="local-deb"),
    pytest.param("FROM debian\nWORKDIR /tmp\nCOPY x.deb .\nRUN apt-get install -y ./x.deb\n", id="local-deb-relative"),
    pytest.param("FROM debian\nCOPY . /app\nENV X=1\nRUN apt-get install -y x\n", id="env-is-a-wall"),
    pytest.param("FROM debian\nCOPY . /app\nWORKDIR /app\nRUN apt-get install -y x\n", id="workdir-is-a-wall"),
    pytest.param("FROM debian\nCOPY . /app\nUSER app\nRUN apt-get install -y x\n", id="user-is-a-wall"),
    pytest.param("FROM debian\nCOPY . /app\nARG V\nRUN apt-get install -y x\n", id="arg-is-a-wall"),
    pytest.param("FROM debian\nCOPY . /app\nONBUILD RUN true\nRUN apt-get install -y x\n", id="onbuild-is-a-wall"),
    pytest.param("FROM debian\nONBUILD COPY . /app\nONBUILD RUN apt-get install -y x\n", id="onbuild-left-alone"),
    pytest.param("FROM debian\nCOPY . /app\nRUN --mount=type=bind,target=/src apt-get install -y x\n",
                 id="bind-mount-reads-the-context"),
    pytest.param('FROM debian\nCOPY . /app\nRUN ["apt-get", "install", "-y", "x"]\n', id="exec-form"),
    pytest.param("FROM debian\nCOPY . /app\nRUN if true; then apt-get install -y x; fi\n", id="if-statement"),
    pytest.param("FROM debian\nCOPY . /app\nRUN for p in a b; do apt-get install -y $p; done\n", id="for-loop"),
    pytest.param("FROM debian\nCOPY --chown=app . /app\nRUN useradd -m app\n", id="chown-needs-the-user"),
    pytest.param("FROM debian\nCOPY . /home/app\nRUN useradd -m app\n", id="useradd-home-is-the-copy"),
    pytest.param("FROM debian\nCOPY app /usr/local/bin/\nRUN app --init\n", id="runs-what-the-copy-adds"),
    pytest.param("FROM debian\nCOPY a /a\nRUN true\nCOPY b /b\nRUN true\n", id="layer-workaround-runs-stay"),
    pytest.param("FROM debian\nCOPY gradle gradle\nRUN chmod +x gradlew\n", id="cheap-step-narrow-copy"),
    pytest.param("FROM debian\nCOPY --from=alpine /bin/busybox /busybox\nRUN apt-get install -y x\n",
                 id="copy-from-an-image-gains-nothing"),
    pytest.param("FROM debian\nADD https://example.com/x.tgz /opt/\nRUN apt-get install -y x\n",
                 id="url-add-gains-nothing"),
    pytest.param("FROM debian\nRUN apt-get install -y x\nCOPY . /app\n", id="already-first"),
    pytest.param("FROM debian\nCOPY . /app\n# dockeropt: ignore=DO201\nRUN apt-get install -y x\n",
                 id="suppressed-on-the-run"),
    pytest.param("FROM debian\nCOPY . /app\n# dockeropt: ignore=copy-after-dependencies\nRUN apt-get install -y x\n",
                 id="suppressed-by-name"),
    pytest.param("FROM debian\n# dockeropt: ignore=DO201\nCOPY . /app\nRUN apt-get install -y x\n",
                 id="suppressed-on-the-copy"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore\nCOPY . /app\nRUN choco install x\n", id="windows"),
    pytest.param('FROM debian\nSHELL ["pwsh", "-c"]\nCOPY . /app\nRUN apt-get install -y x\n', id="non-posix-shell"),
    pytest.param("FROM debian\nCOPY . /app\nRUN tar xzf /app/x.tgz -C /opt\n", id="old-style-tar-reads-the-copy"),
    pytest.param("FROM debian\nWORKDIR /app\nCOPY . .\nRUN curl -O https://x/y.tgz\n", id="download-into-the-copy"),
    pytest.param("FROM debian\nCOPY . /app\nRUN $INSTALL x\n", id="program-from-a-variable"),
    pytest.param("FROM python\nENV PYTHONPATH=/app/src\nCOPY . /app\nRUN pip install flask\n",
                 id="pythonpath-into-the-copy"),
    pytest.param("FROM debian\nENV LD_LIBRARY_PATH=/app/lib:$LD_LIBRARY_PATH\nCOPY . /app\nRUN apt-get install -y x\n",
                 id="library-path-into-the-copy"),
    pytest.param("FROM python\nARG PIP_CONFIG_FILE=/app/pip.conf\nCOPY . /app\nRUN pip install flask\n",
                 id="pip-config-variable-into-the-copy"),
    pytest.param("FROM debian\nENV HOME=/app\nCOPY . /app\nRUN npm config set x y && rm -rf ~/.npm\n",
                 id="home-is-the-copy"),

]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    result = assert_unchanged(before, select=ID)
    assert not [r for r in result.findings if r.status is Status.NEEDS_UNSAFE]


def test_finding_points_at_the_run_and_names_the_copy():
    result = rewrite("FROM debian\nCOPY . /app\n\nRUN apt-get install -y x\n", select=ID)
    (reported,) = result.findings
    assert reported.line == 4 and reported.status is Status.APPLIED
    assert "`COPY . /app` (line 2)" in reported.finding.message


def test_a_package_install_does_not_pass_a_folder_copied_into_a_system_folder_and_a_suggestion_says_why():
    # awesome-compose--apache-php--app: apache2's postinst writes /var/www/html/index.html only into an empty
    # folder; moved above the copy (as --unsafe once did), it does, and Apache serves that page before the copied
    # index.php (verify found the added file in the real build)
    before = "FROM debian:bookworm\nCOPY . /var/www/html/\nRUN apt-get install -y apache2 libapache2-mod-php\n"
    result = rewrite(before, select=ID, unsafe=True)
    assert result.text == before
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION and reported.line == 3
    assert "package scripts may fill it only while it is empty" in reported.finding.message
    assert "delete what the app must not keep there" in reported.finding.message


def test_a_package_install_moved_above_named_files_copied_into_a_system_folder_is_unsafe_and_says_the_files_stay():
    before = "FROM debian:bookworm\nCOPY site.conf /etc/apache2/sites-available/\nRUN apt-get install -y apache2\n"
    after = "FROM debian:bookworm\nRUN apt-get install -y apache2\nCOPY site.conf /etc/apache2/sites-available/\n"
    assert_unsafe_fix(before, after, select=ID)
    risk = rewrite(before, select=ID).findings[0].finding.risk
    assert "package scripts may fill it only while it is empty" in risk
    assert "the others stay beside the copied ones" in risk


def test_broad_copy_with_a_blocked_install_gets_a_suggestion():
    result = rewrite("FROM debian\nCOPY . /app\nRUN apt-get install -y x && make -C /app\n", select=ID)
    (reported,) = result.findings
    assert reported.status is Status.SUGGESTION and reported.line == 3
    assert "make" in reported.finding.message and "Split" in reported.finding.message
    assert result.text.count("COPY") == 1


def test_narrow_copy_with_a_blocked_install_is_quiet():
    result = rewrite("FROM debian\nCOPY Makefile /app/\nRUN apt-get install -y x && make -C /app\n", select=ID)
    assert not result.findings


def test_whole_pipeline_keeps_the_other_passes_fixes():
    before = "FROM debian\nCOPY . /app\nRUN apt-get update\nRUN apt-get install -y curl\n"
    result = rewrite(before)
    assert result.text.startswith("FROM debian\nRUN apt-get update && apt-get install -y curl")
    assert result.text.endswith("COPY . /app\n")


SUPPRESSED_MOVES = [
    pytest.param("FROM debian\nCOPY . /opt/app\nRUN apt-get install -y x\n# dockeropt: ignore=DO201\nRUN apt-get install -y z\n",
                 id="one-run-of-a-group"),
    pytest.param("FROM debian\n# dockeropt: ignore=DO201\nCOPY a /a\nCOPY . /b\nRUN apt-get install -y x\n",
                 id="a-copy-the-run-passes"),
    pytest.param("FROM debian\nCOPY a /a\n# dockeropt: ignore=DO201\nRUN apt-get install -y x\nCOPY b /b\n"
                 "RUN apt-get install -y y\n", id="a-run-the-next-run-joins"),
]


@pytest.mark.parametrize("before", SUPPRESSED_MOVES)
def test_a_suppression_on_any_moved_run_or_passed_copy_drops_the_move_and_proposes_no_other(before):
    # The pipeline alone decides suppression (a finding names every instruction it moves or passes). Until
    # issue 15 the pass treated a suppressed RUN or COPY as a wall and proposed a smaller move in place of
    # the suppressed one (here: x alone, x above `COPY . /b` only, y above `COPY b` only): adding an ignore
    # comment then produced a change nobody had seen. Now a suppression only ever removes a finding.
    without = before.replace("# dockeropt: ignore=DO201\n", "")
    assert [r.status for r in rewrite(without, select=ID, unsafe=True).findings] == [Status.APPLIED]
    result = assert_unchanged(before, select=ID)
    assert not result.findings
