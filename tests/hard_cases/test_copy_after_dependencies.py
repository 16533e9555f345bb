"""Class 5 of "SAFE means proven": DO201 copy-after-dependencies (and DO203 copy-narrow) against
what a RUN reads without naming it.

A RUN reads a COPY's files indirectly through configuration written earlier in the file (an apt
``file:``/``copy:`` source, a local apk repository, pip's ``find-links``, ld.so.conf.d, an npmrc, git's
``insteadOf``), through the home directory (``~/.ssh``, ``~/.gitconfig``, ``~/.npmrc``, ``~/.pip``; with
or without ``ENV HOME``, a user's home) and through symlinks made earlier. A RUN whose reads are
known to touch the copy stays (``NONE``, or the system-package suggestion naming the path); one
whose reads are not fully known moves only as UNSAFE, the risk naming the unknown (``NOT_SAFE``);
the plain cases must still move as SAFE.
"""

from __future__ import annotations

import pytest

from .harness import NONE, NOT_SAFE, SAFE, Case, run_case

DEB = "FROM debian:bookworm\n"
APT = "RUN apt-get update && apt-get install -y --no-install-recommends mypkg\n"
PY = "FROM python:3.12-slim\n"
PIP = "RUN pip install --no-cache-dir flask\n"
NODE = "FROM node:20\n"
NPM_G = "RUN npm install -g pm2\n"


def _do201(case_id: str, dockerfile: str, expect, *names: str, context=None, after=None, unsafe=False) -> Case:
    return Case(case_id, "DO201", dockerfile, expect, context or {}, names=names, after=after, unsafe=unsafe)


def _moved(dockerfile: str, run: str, copy: str) -> str:
    """``dockerfile`` with the line ``run`` moved right above the line ``copy``."""
    return dockerfile.replace(run, "").replace(copy, run + copy)


def _safe_move(case_id: str, dockerfile: str, run: str, copy: str, context=None) -> Case:
    return _do201(case_id, dockerfile, SAFE, context=context, after=_moved(dockerfile, run, copy))


# --- configuration written earlier in the file ----------------------------------------------------

APT_FILE_REPO = DEB + 'RUN echo "deb [trusted=yes] file:/app/debs ./" > /etc/apt/sources.list.d/local.list\n' \
    + "COPY . /app\n" + APT
APT_COPY_REPO = DEB + 'RUN echo "deb [trusted=yes] copy:/srv/repo ./" > /etc/apt/sources.list.d/repo.list\n' \
    + "COPY . /srv/repo\n" + APT
APT_TEE = DEB + 'RUN echo "deb [trusted=yes] file:///opt/pkgs ./" | tee /etc/apt/sources.list.d/pkgs.list\n' \
    + "COPY pkgs /opt/pkgs\n" + APT
APT_HEREDOC = ("# syntax=docker/dockerfile:1\n" + DEB + "COPY <<EOF /etc/apt/sources.list.d/local.list\n"
               "deb [trusted=yes] file:/app/debs ./\nEOF\nCOPY . /app\n" + APT)
APT_COPIED_LIST = DEB + "COPY local.list /etc/apt/sources.list.d/\nCOPY . /app\n" + APT
APT_ENV_REPO = DEB + "ENV REPO=/app/debs\n" + 'RUN echo "deb [trusted=yes] file:$REPO ./" > ' \
    "/etc/apt/sources.list.d/local.list\nCOPY . /app\n" + APT
APT_ARG_REPO = DEB + "ARG REPO\n" + 'RUN echo "deb [trusted=yes] file:$REPO ./" > ' \
    "/etc/apt/sources.list.d/local.list\nCOPY . /app\n" + APT
APT_DOWNLOADED = DEB + "RUN curl -fsSL https://example.com/repo.list -o /etc/apt/sources.list.d/vendor.list\n" \
    + "COPY . /app\n" + APT
APT_MIRROR = DEB + "RUN sed -i 's/deb.debian.org/mirror.example.com/g' /etc/apt/sources.list.d/debian.sources\n" \
    + "COPY . /app\n" + APT
APT_HTTP_REPO = DEB + 'RUN echo "deb https://packages.example.com/debian bookworm main" > ' \
    "/etc/apt/sources.list.d/vendor.list\nCOPY . /app\n" + APT
APT_CONF_CACHE = DEB + "RUN echo 'Dir::Cache::archives \"/app/cache\";' > /etc/apt/apt.conf.d/99cache\n" \
    + "COPY . /app\n" + APT
APT_DOCKER_REPO = DEB + 'RUN echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] ' \
    'https://download.docker.com/linux/debian $(. /etc/os-release && echo "$VERSION_CODENAME") stable" > ' \
    "/etc/apt/sources.list.d/docker.list\nCOPY . /app\n" + APT
APT_SUBSTITUTED_REPO = DEB + 'RUN echo "deb [trusted=yes] file:$(cat /etc/repo-dir) ./" > ' \
    "/etc/apt/sources.list.d/local.list\nCOPY . /app\n" + APT
APK_REPO = "FROM alpine:3.20\nRUN echo /app/packages >> /etc/apk/repositories\nCOPY . /app\n" \
    "RUN apk add --no-cache mypkg\n"
APK_MIRROR = "FROM alpine:3.20\nRUN sed -i 's/dl-cdn.alpinelinux.org/mirror.example.com/' /etc/apk/repositories\n" \
    "COPY . /app\nRUN apk add --no-cache curl\n"
DNF_REPO = "FROM fedora:40\nRUN printf '[local]\\nbaseurl=file:///app/rpms\\ngpgcheck=0\\n' > " \
    "/etc/yum.repos.d/local.repo\nCOPY . /app\nRUN dnf install -y mypkg\n"
DNF_REMOTE_REPO = "FROM fedora:40\nRUN printf '[vendor]\\nbaseurl=https://rpm.example.com/$basearch/\\n' > " \
    "/etc/yum.repos.d/vendor.repo\nCOPY . /app\nRUN dnf install -y mypkg\n"
BUILDER = "FROM python:3.12 AS builder\nRUN pip install --prefix=/install --no-cache-dir flask\n"
FIND_LINKS = "RUN printf '[global]\\nfind-links = /app/wheels\\n' > /etc/pip.conf\n"
STAGE_PIP_CONF = BUILDER.replace("RUN pip", FIND_LINKS + "RUN pip") + PY \
    + "COPY --from=builder /etc/pip.conf /etc/pip.conf\nCOPY . /app\n" + PIP
STAGE_NO_CONFIG = BUILDER + PY + "COPY --from=builder /install /usr/local\nCOPY . /app\n" + PIP
PIP_CONF = PY + FIND_LINKS + "COPY . /app\n" + PIP
PIP_CONF_COPIED = PY + "COPY pip.conf /etc/pip.conf\nCOPY . /app\n" + PIP
PIP_CONFIG_SET = PY + "RUN pip config --global set global.find-links /app/wheels\nCOPY . /app\n" + PIP
PIP_FIND_LINKS_ENV = PY + "ENV PIP_FIND_LINKS=/app/wheels\nCOPY . /app\n" + PIP
LD_CONF = DEB + "RUN echo /opt/app/lib > /etc/ld.so.conf.d/app.conf\nCOPY . /opt/app\nRUN ldconfig\n"
LD_CONF_APT = DEB + "RUN echo /opt/app/lib > /etc/ld.so.conf.d/app.conf\nCOPY . /opt/app\n" + APT
LD_CONF_ELSEWHERE = DEB + "RUN echo /usr/local/lib/vendor > /etc/ld.so.conf.d/vendor.conf\nCOPY . /app\n" + APT
NPM_CAFILE = NODE + "RUN npm config set cafile /app/certs/ca.pem\nCOPY . /app\n" + NPM_G
NPMRC_GLOBAL = NODE + "RUN echo 'cafile=/app/certs/ca.pem' > /usr/local/etc/npmrc\nCOPY . /app\n" + NPM_G
HOME_NPMRC_CAFILE = NODE + 'RUN echo "cafile=/app/certs/ca.pem" >> ~/.npmrc\nCOPY . /app\n' + NPM_G
HOME_NPMRC_REGISTRY = NODE + "WORKDIR /srv\n" + 'RUN echo "registry=https://npm.example.com/" >> ~/.npmrc\n' \
    "COPY . /app\n" + NPM_G
GIT_INSTEAD_OF = PY + "RUN git config --global url.file:///app/vendor/.insteadOf https://github.com/\n" \
    "COPY . /app\nRUN pip install --no-cache-dir git+https://github.com/example/lib.git\n"

# --- the home directory -----------------------------------------------------------------------------

HOME_IS_DEST = PY + "ENV HOME=/app\nCOPY . /app\n" + PIP
COPY_TO_ROOT = PY + "COPY . /root\n" + PIP
USER_HOME = NODE + "RUN useradd -m -d /srv/app app\nCOPY . /srv/app\n" + NPM_G
WORKDIR_HOME = NODE + "WORKDIR /home/node\nCOPY . .\n" + NPM_G
GO_SSH = "FROM golang:1.22\nCOPY . /root\nRUN go install golang.org/x/tools/gopls@latest\n"
USER_SWITCH = PY + "RUN useradd -m app\nUSER app\nCOPY . /home/app\nRUN pip install --user --no-cache-dir flask\n"
# HOME from USER and /etc/passwd (no ENV HOME): the user this file creates, or root
PIP_USER = "RUN pip install --user --no-cache-dir flask\n"
OTHER_USER_HOME = PY + "RUN useradd -m worker\nUSER worker\nCOPY . /home/app\n" + PIP_USER
OTHER_USER_BASE_DIR = PY + "RUN useradd -m -b /srv worker\nUSER worker\nCOPY . /home/worker\n" + PIP_USER
EXPLICIT_ROOT_HOME = PY + "USER root\nCOPY . /home/app\n" + PIP
USER_FROM_BASE_IMAGE = NODE + "USER node\nCOPY . /home/app\n" + NPM_G
SYSTEM_USER = PY + "RUN useradd -r worker\nUSER worker\nCOPY . /home/app\n" + PIP_USER
USER_MOVED = PY + "ARG HOMEDIR\nRUN useradd -m worker && usermod -d $HOMEDIR worker\nUSER worker\n" \
    "COPY . /home/app\n" + PIP_USER
USER_MOVED_INTO_COPY = PY + "RUN useradd -m worker && usermod -d /home/app worker\nUSER worker\n" \
    "COPY . /home/app\n" + PIP_USER
HOME_FROM_IMAGE = "FROM mongo:7\nRUN useradd -m worker\nUSER worker\nCOPY . /home/app\n" + PIP_USER
ROOT_ON_OTHER_IMAGE = "FROM gitpod/workspace-python\nUSER root\nCOPY . /home/gitpod\n" + PIP
PASSWD_COPIED = PY + "RUN useradd -m worker\nCOPY passwd /etc/passwd\nUSER worker\nCOPY . /home/app\n" + PIP_USER
NETRC = DEB + "COPY .netrc /root/.netrc\nCOPY . /app\nRUN curl -fsSL https://example.com/tool -o /usr/local/bin/tool\n"

# --- symlinks made earlier ------------------------------------------------------------------------------

LINK_CHOWN = DEB + "RUN ln -s /app /srv/www\nCOPY . /app\nRUN chown -R www-data /srv/www\n"
LINK_COPY_THROUGH = DEB + "RUN mkdir -p /opt/app && ln -s /opt/app /app\nCOPY . /app\nRUN chmod -R 755 /opt/app\n"
LINK_CONFIG = PY + "RUN ln -s /app/config/pip.conf /etc/pip.conf\nCOPY . /app\n" + PIP
LINK_RELATIVE = DEB + "RUN mkdir -p /srv && ln -s ../app/data /srv/data\nCOPY . /app\nRUN rm -rf /srv/data/cache\n"
LINK_UNKNOWN = DEB + "ARG DATA_DIR\nRUN ln -s $DATA_DIR /data\nCOPY . /app\nRUN chown -R www-data /data\n"
LINK_UNRELATED = DEB + "RUN ln -s /usr/bin/python3 /usr/local/bin/python\nCOPY . /app\n" + APT

# --- steps before it we cannot read ---------------------------------------------------------------------

OPAQUE_NAMES_DEST = DEB + "COPY setup-repos.sh /usr/local/bin/\nRUN setup-repos.sh /app/debs\nCOPY . /app\n" + APT
OPAQUE_ELSEWHERE = DEB + "COPY build-tool.sh /usr/local/bin/\nRUN build-tool.sh /opt/tool\nCOPY . /app\n" + APT

CASES = [
    # configuration written earlier
    _do201("apt-file-repo", APT_FILE_REPO, NOT_SAFE, "/app/debs", "Copy only what it needs there before the install"),
    _do201("apt-copy-repo", APT_COPY_REPO, NOT_SAFE, "/srv/repo"),
    _do201("apt-file-url-through-tee", APT_TEE, NONE),
    _do201("apt-repo-in-heredoc-copy", APT_HEREDOC, NOT_SAFE, "/app/debs"),
    _do201("apt-copied-list-names-copy", APT_COPIED_LIST, NOT_SAFE, "/app/debs",
           context={"local.list": "deb [trusted=yes] file:/app/debs ./\n", "debs/mypkg.deb": "x"}),
    _safe_move("apt-copied-list-remote-only", APT_COPIED_LIST, APT, "COPY . /app\n",
               context={"local.list": "deb https://packages.example.com/debian bookworm main\n", "main.py": "x"}),
    _do201("apt-copied-list-without-context", APT_COPIED_LIST, NOT_SAFE, "local.list", "cannot tell what it names",
           unsafe=True, after=_moved(APT_COPIED_LIST, APT, "COPY . /app\n")),
    _do201("apt-repo-from-env", APT_ENV_REPO, NOT_SAFE, "/app/debs"),
    _do201("apt-repo-from-unset-arg", APT_ARG_REPO, NOT_SAFE, "cannot tell what it names"),
    _do201("apt-downloaded-list", APT_DOWNLOADED, NOT_SAFE, "vendor.list", "cannot tell what it names"),
    _safe_move("apt-mirror-switch", APT_MIRROR, APT, "COPY . /app\n"),
    _safe_move("apt-remote-repo", APT_HTTP_REPO, APT, "COPY . /app\n"),
    _safe_move("apt-repo-with-arch-and-codename", APT_DOCKER_REPO, APT, "COPY . /app\n"),
    _do201("apt-repo-from-command-substitution", APT_SUBSTITUTED_REPO, NOT_SAFE, "cannot tell what it names"),
    _do201("apt-conf-cache-in-copy", APT_CONF_CACHE, NOT_SAFE, "/app/cache"),
    _do201("apk-local-repository", APK_REPO, NOT_SAFE, "/app/packages"),
    _safe_move("apk-mirror-switch", APK_MIRROR, "RUN apk add --no-cache curl\n", "COPY . /app\n"),
    _do201("dnf-file-baseurl", DNF_REPO, NOT_SAFE, "/app/rpms"),
    _safe_move("dnf-remote-repo-with-yum-variable", DNF_REMOTE_REPO, "RUN dnf install -y mypkg\n", "COPY . /app\n"),
    _do201("pip-conf-find-links", PIP_CONF, NONE),
    _do201("pip-conf-from-a-stage", STAGE_PIP_CONF, NONE),
    _safe_move("stage-copy-without-configuration", STAGE_NO_CONFIG, PIP, "COPY . /app\n"),
    _do201("pip-conf-copied-find-links", PIP_CONF_COPIED, NONE,
           context={"pip.conf": "[global]\nfind-links = /app/wheels\n", "wheels/flask.whl": "x"}),
    _safe_move("pip-conf-copied-index-only", PIP_CONF_COPIED, PIP, "COPY . /app\n",
               context={"pip.conf": "[global]\nindex-url = https://pypi.example.com/simple\n", "app.py": "x"}),
    _do201("pip-config-set-find-links", PIP_CONFIG_SET, NONE),
    _do201("pip-find-links-env", PIP_FIND_LINKS_ENV, NONE),
    _do201("ld-conf-then-ldconfig", LD_CONF, NONE),
    _do201("ld-conf-then-apt-trigger", LD_CONF_APT, NOT_SAFE, "/opt/app/lib", "Copy only what it needs there"),
    _do201("install-beside-a-step-reading-the-copy", DEB + "COPY . /app\nRUN apt-get update && apt-get install -y "
           "curl && chmod +x /app/run.sh\n", NOT_SAFE, "Split the package install into its own RUN"),
    _safe_move("ld-conf-elsewhere", LD_CONF_ELSEWHERE, APT, "COPY . /app\n"),
    _do201("npm-config-set-cafile", NPM_CAFILE, NONE),
    _do201("global-npmrc-cafile", NPMRC_GLOBAL, NONE),
    _do201("home-npmrc-cafile", HOME_NPMRC_CAFILE, NONE),
    _safe_move("home-npmrc-registry-only", HOME_NPMRC_REGISTRY, NPM_G, "COPY . /app\n"),
    _do201("git-insteadof-file-url", GIT_INSTEAD_OF, NONE),
    # the home directory
    _do201("env-home-is-destination", HOME_IS_DEST, NONE),
    _do201("copy-into-root-home", COPY_TO_ROOT, NOT_SAFE, "HOME"),
    _do201("user-home-is-destination", USER_HOME, NOT_SAFE, "HOME"),
    _do201("workdir-in-home", WORKDIR_HOME, NOT_SAFE, "HOME"),
    # useradd -m app + USER app: HOME is /home/app, where pip --user writes (~/.local): a known conflict
    _do201("user-switch-copy-into-its-home", USER_SWITCH, NONE),
    _safe_move("user-switch-copy-into-another-home", OTHER_USER_HOME, PIP_USER, "COPY . /home/app\n"),
    _safe_move("user-home-under-base-dir", OTHER_USER_BASE_DIR, PIP_USER, "COPY . /home/worker\n"),
    _safe_move("explicit-root-home", EXPLICIT_ROOT_HOME, PIP, "COPY . /home/app\n"),
    _do201("user-made-by-the-base-image", USER_FROM_BASE_IMAGE, NOT_SAFE, "HOME"),
    _do201("system-user-home-unknown", SYSTEM_USER, NOT_SAFE, "HOME"),
    _do201("user-home-moved-to-unknown", USER_MOVED, NOT_SAFE, "HOME"),
    _do201("user-home-moved-into-copy", USER_MOVED_INTO_COPY, NONE),
    _do201("base-image-may-set-home", HOME_FROM_IMAGE, NOT_SAFE, "HOME"),
    _do201("root-on-an-image-that-may-set-home", ROOT_ON_OTHER_IMAGE, NOT_SAFE, "HOME"),
    _do201("passwd-replaced-after-useradd", PASSWD_COPIED, NOT_SAFE, "HOME", context={"passwd": "x", "app.py": "x"}),
    _do201("go-reads-ssh-and-gitconfig", GO_SSH, NOT_SAFE, "HOME"),
    _safe_move("netrc-copied-elsewhere", NETRC, "RUN curl -fsSL https://example.com/tool -o /usr/local/bin/tool\n",
               "COPY . /app\n", context={".netrc": "machine example.com login u password p\n", "app.py": "x"}),
    # symlinks made earlier
    _do201("chown-through-link", LINK_CHOWN, NONE),
    _do201("copy-writes-through-link", LINK_COPY_THROUGH, NONE),
    _do201("config-is-link-into-copy", LINK_CONFIG, NONE),
    _do201("relative-link-into-copy", LINK_RELATIVE, NONE),
    _do201("link-to-unknown-target", LINK_UNKNOWN, NOT_SAFE, "/data"),
    _safe_move("unrelated-link", LINK_UNRELATED, APT, "COPY . /app\n"),
    # steps we cannot read
    _do201("opaque-step-names-destination", OPAQUE_NAMES_DEST, NOT_SAFE, "setup-repos.sh", "cannot be read"),
    _safe_move("opaque-step-elsewhere", OPAQUE_ELSEWHERE, APT, "COPY . /app\n"),
    # plain cases that must keep moving
    _safe_move("plain-apt-above-copy-all", DEB + "COPY . /app\n" + APT, APT, "COPY . /app\n"),
    _safe_move("plain-apk-above-copy-all", "FROM alpine:3.20\nCOPY . /app\nRUN apk add --no-cache curl\n",
               "RUN apk add --no-cache curl\n", "COPY . /app\n"),
    _safe_move("plain-pip-above-copy-all", PY + "WORKDIR /srv\nCOPY . /app\n" + PIP, PIP, "COPY . /app\n"),
    _safe_move("apt-over-workdir-copy", DEB + "WORKDIR /app\nCOPY . .\n" + APT, APT, "COPY . .\n"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_copy_after_dependencies(case: Case, tmp_path):
    run_case(case, tmp_path)


# --- DO203 copy-narrow: what a RUN after the copy reads without naming it ------------------------------

JAR = "FROM eclipse-temurin:17-jre\n"
JAR_CMD = 'CMD ["java", "-jar", "/app/target/app.jar"]\n'
JAR_CONTEXT = {"target/app.jar": "jar", "debs/mypkg.deb": "deb", "config/app.yml": "x: 1\n", "README.md": "r"}


def _do203(case_id: str, dockerfile: str, expect, *names: str) -> Case:
    return Case(case_id, "DO203", dockerfile, expect, JAR_CONTEXT, names=names)


NARROW_CASES = [
    _do203("narrow-plain-jar", JAR + "COPY . /app\n" + JAR_CMD, NOT_SAFE, "target/app.jar", "README.md"),
    _do203("narrow-apt-reads-left-out-repo",
           JAR + 'RUN echo "deb [trusted=yes] file:/app/debs ./" > /etc/apt/sources.list.d/local.list\n'
           "COPY . /app\n" + APT + JAR_CMD, NONE),
    _do203("narrow-config-link-into-copy",
           JAR + "RUN ln -s /app/config /etc/myapp\nCOPY . /app\nRUN chmod 600 /etc/myapp/app.yml\n" + JAR_CMD, NONE),
    _do203("narrow-downloaded-script", JAR + "COPY . /app\nRUN curl -fsSL https://example.com/setup.sh | sh\n"
           + JAR_CMD, NOT_SAFE, "downloaded script"),
    _do203("narrow-opaque-step-names-copy",
           JAR + "COPY setup.sh /usr/local/bin/\nRUN setup.sh /app/config\nCOPY . /app\n"
           "RUN apt-get update && apt-get install -y curl\n" + JAR_CMD, NOT_SAFE, "cannot be read", "/app/config"),
    # the java command line read with the launcher's grammar: options may stand between -jar and the jar
    _do203("narrow-jar-after-a-system-property",
           JAR + 'COPY . /app\nCMD ["java", "-jar", "-Dspring.profiles.active=prod", "/app/target/app.jar"]\n',
           NOT_SAFE, "target/app.jar", "README.md"),
    _do203("narrow-jar-after-an-agent",
           JAR + "COPY . /app\nWORKDIR /app\nCMD java -jar -agentlib:jdwp=transport=dt_socket,server=y,suspend=n "
           "-Xmx512m target/app.jar\n", NOT_SAFE, "target/app.jar"),
    _do203("narrow-jar-named-by-a-variable", JAR + "COPY . /app\nENV JAR=/app/target/app.jar\n"
           'CMD ["sh", "-c", "java -jar $JAR"]\n', NONE),
    _do203("narrow-java-prints-its-version", JAR + 'COPY . /app\nCMD ["java", "-version", "-jar", '
           '"/app/target/app.jar"]\n', NONE),
    _do203("narrow-unrelated-apt", JAR + "COPY . /app\nRUN apt-get update && apt-get install -y curl\n" + JAR_CMD,
           NOT_SAFE, "target/app.jar"),
]


@pytest.mark.parametrize("case", NARROW_CASES, ids=str)
def test_copy_narrow_indirect_reads(case: Case, tmp_path):
    run_case(case, tmp_path)
