"""DO108 dnf-yum-clean: fix table, unsafe table and no-change table."""

from __future__ import annotations

import pytest

from optimizer.pipeline import Status

from .helpers import assert_rewrites, assert_safe_fix, assert_unchanged, rewrite

ID = "dnf-yum-clean"

FIXES = [
    pytest.param(
        "FROM fedora:40\nRUN dnf install -y gcc\n",
        "FROM fedora:40\nRUN dnf install -y gcc && dnf clean all\n",
        id="dnf"),
    pytest.param(
        "FROM centos:7\nRUN yum install -y httpd\n",
        "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
        id="yum"),
    pytest.param(
        "FROM ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils\n",
        "FROM ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all\n",
        id="microdnf"),
    pytest.param(
        "FROM fedora\nRUN dnf install -y \\\n      gcc \\\n      make\n",
        "FROM fedora\nRUN dnf install -y \\\n      gcc \\\n      make && \\\n      dnf clean all\n",
        id="continuation-lines"),
    pytest.param(
        "FROM fedora\nRUN dnf install -y gcc \\\n && make \\\n && make install\n",
        "FROM fedora\nRUN dnf install -y gcc \\\n && make \\\n && make install \\\n && dnf clean all\n",
        id="leading-ampersand-style"),
    pytest.param(
        "FROM centos:7\nRUN yum -y update && \\\n    yum install -y telnet && \\\n    yum install -y wget\n",
        "FROM centos:7\nRUN yum -y update && \\\n    yum install -y telnet && \\\n    yum install -y wget && \\\n"
        "    yum clean all\n",
        id="trailing-ampersand-style"),
    pytest.param(
        "FROM fedora\nRUN dnf clean all && dnf install -y x\n",
        "FROM fedora\nRUN dnf clean all && dnf install -y x && dnf clean all\n",
        id="clean-before-install-does-not-count"),
    pytest.param(
        "FROM centos:7\nRUN sudo yum install -y x\n",
        "FROM centos:7\nRUN sudo yum install -y x && sudo yum clean all\n",
        id="sudo-kept"),
    pytest.param(
        "FROM fedora\nRUN /usr/bin/dnf install -y x\n",
        "FROM fedora\nRUN /usr/bin/dnf install -y x && /usr/bin/dnf clean all\n",
        id="program-as-written"),
    pytest.param(
        "FROM fedora\nRUN dnf -y upgrade\n",
        "FROM fedora\nRUN dnf -y upgrade && dnf clean all\n",
        id="upgrade"),
    pytest.param(
        "FROM fedora\nRUN dnf -y group install 'Development Tools'\n",
        "FROM fedora\nRUN dnf -y group install 'Development Tools' && dnf clean all\n",
        id="group-install"),
    pytest.param(
        "FROM fedora\nRUN dnf install -y x || true\n",
        "FROM fedora\nRUN dnf install -y x || true && dnf clean all\n",
        id="or-true"),
    pytest.param(
        "FROM fedora\nRUN dnf install -y x && dnf clean packages && echo ok\n",
        "FROM fedora\nRUN dnf install -y x && dnf clean all && echo ok\n",
        id="partial-clean-widened"),
    pytest.param(
        "FROM centos:7\nRUN yum install -y x && yum clean metadata packages\n",
        "FROM centos:7\nRUN yum install -y x && yum clean all\n",
        id="partial-clean-two-targets-widened"),
    pytest.param(
        "FROM centos:7\nRUN yum install -y x && yum clean metadata \\\n    packages\n",
        "FROM centos:7\nRUN yum install -y x && yum clean metadata \\\n    packages && \\\n    yum clean all\n",
        id="partial-clean-across-lines-appends"),
    pytest.param(
        "FROM fedora\nRUN dnf clean packages && dnf install -y x\n",
        "FROM fedora\nRUN dnf clean packages && dnf install -y x && dnf clean all\n",
        id="partial-clean-before-install-appends"),
    pytest.param(
        "FROM fedora\nRUN yum install -y a && dnf install -y b\n",
        "FROM fedora\nRUN yum install -y a && dnf install -y b && yum clean all && dnf clean all\n",
        id="two-programs"),
    pytest.param(
        "FROM fedora\r\nRUN dnf install -y \\\r\n    x\r\n",
        "FROM fedora\r\nRUN dnf install -y \\\r\n    x && \\\r\n    dnf clean all\r\n",
        id="crlf"),
    pytest.param(
        "FROM fedora\r\nRUN dnf install -y \\\r\n    x",
        "FROM fedora\r\nRUN dnf install -y \\\r\n    x && \\\r\n    dnf clean all",
        id="crlf-last-line-without-newline"),
    pytest.param(
        "FROM fedora\nRUN dnf install -y \\\n    # compiler\n    gcc \\\n && make\n",
        "FROM fedora\nRUN dnf install -y \\\n    # compiler\n    gcc \\\n && make \\\n && dnf clean all\n",
        id="comment-inside-continuation"),
    pytest.param(
        "FROM fedora\nRUN <<EOF\nset -e\ndnf install -y x\necho ok\nEOF\n",
        "FROM fedora\nRUN <<EOF\nset -e\ndnf install -y x\necho ok && dnf clean all\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM fedora\nONBUILD RUN dnf install -y x\n",
        "FROM fedora\nONBUILD RUN dnf install -y x && dnf clean all\n",
        id="onbuild"),
    pytest.param(
        "FROM fedora AS build\nRUN dnf install -y gcc\nFROM ubi9/ubi-minimal\nRUN microdnf install -y x\n",
        "FROM fedora AS build\nRUN dnf install -y gcc && dnf clean all\n"
        "FROM ubi9/ubi-minimal\nRUN microdnf install -y x && microdnf clean all\n",
        id="multi-stage-every-stage"),
    # -y
    pytest.param(
        "FROM centos:7\nRUN yum install httpd && yum clean all\n",
        "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
        id="yes-yum"),
    pytest.param(
        "FROM fedora\nRUN dnf install \\\n    gcc && dnf clean all\n",
        "FROM fedora\nRUN dnf install -y \\\n    gcc && dnf clean all\n",
        id="yes-before-continuation"),
    pytest.param(
        "FROM fedora\nRUN dnf group install x && dnf clean all\n",
        "FROM fedora\nRUN dnf group install -y x && dnf clean all\n",
        id="yes-after-group-action"),
    pytest.param(
        "FROM fedora\nRUN dnf module enable nodejs:20 && dnf remove x && dnf clean all\n",
        "FROM fedora\nRUN dnf module enable -y nodejs:20 && dnf remove -y x && dnf clean all\n",
        id="yes-module-and-remove"),
    pytest.param(
        "FROM fedora\nRUN dnf upgrade\n",
        "FROM fedora\nRUN dnf upgrade -y && dnf clean all\n",
        id="yes-and-clean-at-the-same-point"),
    pytest.param(
        "FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install x && microdnf clean all\n",
        "FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y x && microdnf clean all\n",
        id="yes-microdnf-9"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    assert_safe_fix(before, after, select=ID)


UNSAFE_FIXES = [
    pytest.param(
        "FROM quay.io/acme/java-runtime:1.4\nRUN microdnf install x && microdnf clean all\n",
        "FROM quay.io/acme/java-runtime:1.4\nRUN microdnf install -y x && microdnf clean all\n",
        id="microdnf-yes-on-unknown-base"),
]


@pytest.mark.parametrize(("before", "after"), UNSAFE_FIXES)
def test_unsafe_fix_needs_opt_in(before, after):
    result = rewrite(before, select=ID)
    assert result.text == before
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]
    assert "microdnf" in result.findings[0].finding.risk
    assert_rewrites(before, after, select=ID, unsafe=True)


NO_CHANGE = [
    # RHEL 8's microdnf keeps assumeyes true (never prompts) and before 3.6 rejects -y.
    pytest.param("FROM registry.access.redhat.com/ubi8/ubi-minimal:8.9\nRUN microdnf install x && microdnf clean all\n",
                 id="microdnf-no-yes-on-8"),
    pytest.param("FROM ubi8/openjdk-17\nRUN microdnf install x && microdnf clean all\n",
                 id="microdnf-no-yes-java-17-is-not-release-17"),
    pytest.param("FROM fedora\nRUN dnf install -y x && dnf clean all\n", id="already-clean"),
    pytest.param("FROM fedora\nRUN dnf install -y x && dnf clean --disableplugin=foo all\n", id="clean-with-option"),
    pytest.param("FROM centos:7\nRUN yum install -y x && rm -rf /var/cache/yum\n", id="rm-yum-cache"),
    pytest.param("FROM centos:7\nRUN yum install -y x && rm -rf /var/cache/yum/*\n", id="rm-yum-cache-contents"),
    pytest.param("FROM fedora\nRUN dnf install -y x && rm -rf /var/cache/dnf/*\n", id="rm-dnf-cache"),
    pytest.param("FROM fedora\nRUN dnf install -y x; \\\n    dnf clean all; \\\n    echo done\n", id="clean-mid-chain"),
    pytest.param("FROM fedora\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x\n", id="cache-mount"),
    pytest.param("FROM fedora\nRUN --mount=type=cache,target=/var/cache dnf install -y x\n", id="cache-mount-parent"),
    pytest.param("FROM ubi9\nRUN --mount=type=cache,target=/var/cache/yum yum install -y x\n", id="yum-cache-mount"),
    pytest.param("FROM fedora\nRUN --mount=type=cache,target=/var/cache/dnf/x86_64 dnf install -y x\n",
                 id="cache-mount-inside"),
    pytest.param("FROM fedora\nRUN dnf install -y --downloadonly x\n", id="downloadonly"),
    pytest.param("FROM fedora\nRUN dnf install -y --setopt=keepcache=1 x\n", id="keepcache"),
    pytest.param("FROM fedora\nRUN dnf install -y x\nRUN dnf install -y -C y && dnf clean all\n",
                 id="later-cacheonly"),
    pytest.param("FROM fedora\nRUN dnf makecache\n", id="makecache"),
    pytest.param("FROM fedora\nRUN dnf -y install x && exec true\n", id="ends-with-exec"),
    pytest.param("FROM fedora\nRUN dnf list installed && dnf repolist\n", id="queries"),
    pytest.param("FROM fedora\nRUN dnf --assumeno install x && dnf clean all\n", id="assumeno"),
    pytest.param("FROM fedora\nRUN dnf --setopt=assumeyes=True install x && dnf clean all\n", id="setopt-assumeyes"),
    pytest.param("FROM fedora\nRUN dnf install --assumeyes x && dnf clean all\n", id="assumeyes-long"),
    pytest.param("FROM fedora\nRUN dnf install -yq x && dnf clean all\n", id="bundled-y"),
    pytest.param("FROM fedora\n# dockeropt: ignore=dnf-yum-clean\nRUN dnf install x\n", id="suppressed"),
    pytest.param("FROM fedora\n# hadolint ignore=DL3040\nRUN dnf install -y x\n", id="suppressed-hadolint"),
    pytest.param("FROM centos:7\n# hadolint ignore=DL3032,DL3030\nRUN yum install x\n", id="suppressed-hadolint-yum"),
    pytest.param('FROM fedora\nRUN ["dnf", "install", "-y", "x"]\n', id="exec-form"),
    pytest.param("FROM photon\nRUN tdnf install -y x\n", id="tdnf-out-of-scope"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    assert_unchanged(before, select=ID)


def test_sudo_on_any_install_of_the_program():
    after = "FROM centos:7\nRUN sudo yum install -y a && yum install -y b && sudo yum clean all\n"
    assert_rewrites("FROM centos:7\nRUN sudo yum install -y a && yum install -y b\n", after, select=ID)


def test_hadolint_ignore_silences_only_the_finding_with_that_rule():
    result = rewrite("FROM fedora:40\n# hadolint ignore=DL3038\nRUN dnf install x\n", select=ID)
    assert result.text == "FROM fedora:40\n# hadolint ignore=DL3038\nRUN dnf install x && dnf clean all\n"
    assert [r.hadolint for r in result.findings] == [("DL3040",)]
