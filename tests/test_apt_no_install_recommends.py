"""DO102 apt-no-install-recommends: fix table, no-change table, explanations and the bundled data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from optimizer.config import Config
from optimizer.passes import Safety
from optimizer.passes.apt_no_install_recommends import dropped_by, recommends_data
from optimizer.pipeline import Status, optimize

from .conftest import ROOT, read_text
from .helpers import assert_rewrites, assert_unchanged, rewrite

ID = "apt-no-install-recommends"
NIR = "--no-install-recommends"

FIXES = [
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y jq\n",
        f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y {NIR} jq\n",
        id="basic"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install vim\n",
        f"FROM debian:bookworm\nRUN apt-get install {NIR} vim\n",
        id="no-other-options"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt install -y jq\n",
        f"FROM debian:bookworm\nRUN apt install -y {NIR} jq\n",
        id="apt"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get -y install jq\n",
        f"FROM debian:bookworm\nRUN apt-get -y install {NIR} jq\n",
        id="options-before-subcommand"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install jq -y\n",
        f"FROM debian:bookworm\nRUN apt-get install {NIR} jq -y\n",
        id="options-after-packages"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y curl\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} curl ca-certificates\n",
        id="curl-keeps-ca-certificates"),
    pytest.param(
        "FROM debian:bookworm\nRUN DEBIAN_FRONTEND=noninteractive sudo apt-get install -yq git=1:2.39.5-0+deb12u2\n",
        f"FROM debian:bookworm\nRUN DEBIAN_FRONTEND=noninteractive sudo apt-get install -yq {NIR} git=1:2.39.5-0+deb12u2"
        " ca-certificates\n",
        id="env-sudo-pinned-git"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y curl ca-certificates\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} curl ca-certificates\n",
        id="ca-certificates-already-listed"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y python3-pip curl\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} python3-pip curl\n",
        id="pip-depends-on-ca-certificates"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y $PKGS\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} $PKGS\n",
        id="unknown-packages"),
    pytest.param(
        "FROM debian:bookworm\nRUN dpkg -i /tmp/x.deb || apt-get install -f -y\n",
        f"FROM debian:bookworm\nRUN dpkg -i /tmp/x.deb || apt-get install -f -y {NIR}\n",
        id="fix-broken-without-packages"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y \\\n    wget \\\n    # for the health check\n"
        "    jq \\\n && rm -rf /var/lib/apt/lists/*\n",
        f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y {NIR} \\\n    wget \\\n    # for the health check\n"
        "    jq ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\n",
        id="comment-in-continuation"),
    pytest.param(
        "FROM debian\r\nRUN apt-get install -y \\\r\n  wget \\\r\n  jq\r\n",
        f"FROM debian\r\nRUN apt-get install -y {NIR} \\\r\n  wget \\\r\n  jq ca-certificates\r\n",
        id="crlf"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y jq",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq",
        id="no-final-newline"),
    pytest.param(
        "FROM debian:bookworm\nRUN <<EOF\nset -e\napt-get update\napt-get install -y wget\nEOF\n",
        f"FROM debian:bookworm\nRUN <<EOF\nset -e\napt-get update\napt-get install -y {NIR} wget ca-certificates\nEOF\n",
        id="heredoc"),
    pytest.param(
        "FROM debian:bookworm\nONBUILD RUN apt-get install -y jq\n",
        f"FROM debian:bookworm\nONBUILD RUN apt-get install -y {NIR} jq\n",
        id="onbuild"),
    pytest.param(
        "FROM debian:bookworm\nRUN if [ -n \"$X\" ]; then apt-get install -y jq; fi\n",
        f"FROM debian:bookworm\nRUN if [ -n \"$X\" ]; then apt-get install -y {NIR} jq; fi\n",
        id="nested-in-if"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y jq && apt install -y vim\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq && apt install -y {NIR} vim\n",
        id="two-installs-one-run"),
    pytest.param(
        "FROM debian AS build\nRUN apt-get install -y jq\nFROM debian:bookworm\nRUN apt-get install -y vim\n",
        f"FROM debian AS build\nRUN apt-get install -y {NIR} jq\nFROM debian:bookworm\nRUN apt-get install -y {NIR} vim\n",
        id="multi-stage"),
    pytest.param(
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq\nRUN apt-get install -y vim\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq\nRUN apt-get install -y {NIR} vim\n",
        id="flag-on-an-earlier-install-is-not-a-config"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -y jq\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n",
        f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n",
        id="config-written-after-the-install"),
    pytest.param(
        "FROM debian:bookworm\nONBUILD RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99n\n"
        "RUN apt-get install -y jq\n",
        "FROM debian:bookworm\nONBUILD RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99n\n"
        f"RUN apt-get install -y {NIR} jq\n",
        id="onbuild-config-does-not-serve-this-build"),
    pytest.param(
        "FROM debian:bookworm\nCOPY sources.list /etc/apt/\nRUN apt-get install -y jq\n",
        f"FROM debian:bookworm\nCOPY sources.list /etc/apt/\nRUN apt-get install -y {NIR} jq\n",
        id="copied-sources-list-is-not-a-config"),
    pytest.param(
        "FROM debian:bookworm\nRUN apt-get install -o Dpkg::Options::=--force-confold -y jq\n",
        f"FROM debian:bookworm\nRUN apt-get install -o Dpkg::Options::=--force-confold -y {NIR} jq\n",
        id="other-o-option"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(before, after):
    result = assert_rewrites(before, after, select=ID, unsafe=True)
    assert result.applied and all(r.safety is Safety.UNSAFE for r in result.applied)


def test_never_applied_without_unsafe():
    before = "FROM debian:bookworm\nRUN apt-get install -y curl\n"
    result = rewrite(before, select=ID)
    assert result.text == before
    assert [r.status for r in result.findings] == [Status.NEEDS_UNSAFE]


NO_CHANGE = [
    pytest.param(f"FROM debian:bookworm\nRUN apt-get install -y {NIR} jq\n", id="already"),
    pytest.param(f"FROM debian:bookworm\nRUN apt-get install {NIR} -y jq\n", id="already-first"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y --install-recommends jq\n", id="explicit-install-recommends"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y --install-recommends=no jq\n", id="install-recommends-no"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y --without-install-recommends jq\n", id="without-spelling"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y -o APT::Install-Recommends=false jq\n", id="o-false"),
    pytest.param("FROM debian:bookworm\nRUN apt-get -o apt::install-recommends=0 install -y jq\n", id="o-zero-lower-case"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y -oAPT::Install-Recommends=No jq\n", id="o-attached"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y -o APT::Install-Recommends=true jq\n", id="o-true-user-wants"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y -c /etc/my-apt.conf jq\n", id="config-file-option"),
    pytest.param("FROM debian:bookworm\nRUN APT_CONFIG=/etc/my-apt.conf apt-get install -y jq\n", id="apt-config-env-prefix"),
    pytest.param("FROM debian:bookworm\nENV APT_CONFIG=/etc/my-apt.conf\nRUN apt-get install -y jq\n", id="apt-config-env"),
    pytest.param("FROM debian:bookworm\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
                 "RUN apt-get install -y jq\n", id="config-echo-earlier-run"),
    pytest.param("FROM debian:bookworm\nRUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/01 && "
                 "apt-get install -y jq\n", id="config-printf-same-run"),
    pytest.param("FROM debian:bookworm\nRUN echo 'APT { Install-Recommends \"false\"; };' | tee /etc/apt/apt.conf.d/01\n"
                 "RUN apt-get install -y jq\n", id="config-scope-syntax-tee"),
    pytest.param("FROM debian:bookworm\nRUN cat <<EOF > /etc/apt/apt.conf.d/99norecommends\nAPT::Install-Recommends \"0\";\n"
                 "EOF\nRUN apt-get install -y jq\n", id="config-dockerfile-heredoc"),
    pytest.param("FROM debian:bookworm AS base\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99n\n"
                 "FROM base\nRUN apt-get install -y jq\n", id="config-in-parent-stage"),
    pytest.param("FROM debian:bookworm\nCOPY 99norecommends /etc/apt/apt.conf.d/\nRUN apt-get install -y jq\n",
                 id="copied-apt-conf-d-unknown"),
    pytest.param("FROM debian:bookworm\nCOPY apt/ /etc/apt\nRUN apt-get install -y jq\n", id="copied-etc-apt-dir-unknown"),
    pytest.param("FROM debian:bookworm\nRUN --mount=type=bind,source=apt.conf,target=/etc/apt/apt.conf.d/99x "
                 "apt-get install -y jq\n", id="mounted-apt-config"),
    pytest.param("FROM debian:bookworm\nONBUILD RUN apt-get install -y jq\n"
                 "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99n\n",
                 id="onbuild-install-runs-after-the-config"),
    pytest.param("FROM debian:bookworm\nRUN apt-get -s install jq\n", id="simulation"),
    pytest.param("FROM debian:bookworm\nRUN apt-get update && apt-get remove -y jq && apt-get build-dep -y jq\n",
                 id="not-install"),
    pytest.param('FROM debian:bookworm\nRUN ["apt-get", "install", "-y", "jq"]\n', id="exec-form"),
    pytest.param('FROM debian:bookworm\nSHELL ["pwsh", "-c"]\nRUN apt-get install -y jq\n', id="non-posix-shell"),
    pytest.param("FROM debian:bookworm\nRUN sh -c 'apt-get install -y jq'\n", id="sh-c-left-alone"),
    pytest.param("FROM debian:bookworm\n# dockeropt: ignore=apt-no-install-recommends\nRUN apt-get install -y jq\n",
                 id="suppressed"),
    pytest.param("FROM debian:bookworm\n# dockeropt: ignore=DO102\nRUN apt-get install -y jq\n", id="suppressed-by-id"),
    pytest.param("FROM debian:bookworm\n# hadolint ignore=DL3015\nRUN apt-get install -y jq\n", id="suppressed-hadolint"),
    pytest.param("FROM alpine\nRUN apk add --no-cache curl\n", id="apk"),
]


@pytest.mark.parametrize("before", NO_CHANGE)
def test_no_change(before):
    result = assert_unchanged(before, select=ID)
    assert not result.findings


def _risk(text: str) -> str:
    (reported,) = rewrite(text, select=ID, unsafe=True).findings
    return reported.finding.risk


def test_explanation_names_dropped_packages_and_size():
    result = rewrite("FROM debian:bookworm\nRUN apt-get install -y openjdk-17-jre-headless\n", select=ID, unsafe=True)
    (reported,) = result.findings
    assert "MB less" in reported.finding.message
    risk = reported.finding.risk
    assert "libicu72" in risk and "MB on a clean debian:bookworm" in risk
    assert "Debian bookworm" in risk and "other releases differ (covered: " in risk
    assert "ca-certificates" not in risk  # the JRE Depends on it through ca-certificates-java


def test_explanation_says_why_ca_certificates_is_kept():
    risk = _risk("FROM debian:bookworm\nRUN apt-get install -y curl wget\n")
    assert "keeps ca-certificates explicitly: curl, wget need it for HTTPS" in risk
    assert "ca-certificates (" not in risk  # kept, so not among the dropped


def test_explanation_lists_unknown_packages():
    risk = _risk("FROM debian:bookworm\nRUN apt-get install -y jq no-such-package-xyz $EXTRA ./local.deb\n")
    assert "unknown for: no-such-package-xyz, $EXTRA, ./local.deb" in risk
    assert "php5-cli (no installable Debian bookworm package)" in _risk("FROM debian:bookworm\nRUN apt-get install -y php5-cli jq\n")


def test_explanation_names_functional_losses():
    assert "openssh-client" in _risk("FROM debian:bookworm\nRUN apt-get install -y git\n")
    assert "cannot build packages that have no wheel" in _risk("FROM debian:bookworm\nRUN apt-get install -y python3-pip\n")


def test_dropped_union_is_deduplicated():
    data = recommends_data()
    both = dropped_by(["curl", "wget"])
    assert len(set(both.packages)) == len(both.packages)
    separate = sum(dropped_by([n]).kib for n in ("curl", "wget"))
    assert both.kib < separate  # publicsuffix & co. counted once
    assert both.kib == sum(data.sizes_kib[p] for p in both.packages)


def test_dropped_excludes_what_another_package_needs():
    # python3-pip Depends on ca-certificates: with it in the command, curl no longer loses it
    together = dropped_by(["curl", "python3-pip"])
    assert "ca-certificates" not in together.packages and not together.ca_for


def test_data_matches_the_measured_baselines():
    """shared/BASELINES.md, measured with apt-get -s in a debootstrapped bookworm chroot."""
    packages = recommends_data().packages
    for name, default, minimal in (("openjdk-17-jdk", (186, 634.4), (113, 566.0)),
                                   ("openjdk-17-jdk-headless", (49, 348.1), (35, 294.0)),
                                   ("openjdk-17-jre-headless", (48, 272.7), (34, 218.6))):
        entry = packages[name]
        for got, (count, mb) in ((entry["default"], default), (entry["minimal"], minimal)):
            assert abs(got["packages"] - count) <= 2 and abs(got["mb"] - mb) <= 3, (name, got)


def test_data_covers_the_required_packages_and_says_where_it_comes_from():
    data = recommends_data()
    assert data.source.startswith("Debian bookworm, generated ") and "tools/" not in data.source  # shown to users
    raw = json.loads((ROOT / "optimizer" / "data" / "apt_recommends_debian-12.json").read_text())
    assert raw["generator"] == "tools/gen_apt_recommends.py"
    assert data.arch == "amd64"
    for name in ("curl", "wget", "git", "gnupg", "ca-certificates", "openjdk-17-jdk", "openjdk-17-jdk-headless",
                 "openjdk-17-jre-headless", "python3-pip", "build-essential"):
        assert name in data.packages, name
    assert len(data.packages) >= 70


def test_data_is_loaded_lazily():
    code = ("import optimizer.pipeline, optimizer.passes.apt_no_install_recommends as m; "
            "assert m.recommends_data.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_data_ships_with_the_package():
    assert 'optimizer = ["data/*.json"' in (ROOT / "pyproject.toml").read_text()  # tests/test_packaging.py builds the wheel


def test_golden_case_explains_the_size_effect():
    case = ROOT / "corpus" / "apt-heavy-java"
    result = optimize(read_text(case / "Dockerfile"), config=Config(unsafe=True))
    ours = [r for r in result.findings if r.pass_.name == ID]
    assert ours and all(r.status is Status.APPLIED for r in ours)
    assert any("MB" in r.finding.message and "MB on a clean debian:bookworm" in r.finding.risk for r in ours)


CA_ALREADY_THERE = [
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends ca-certificates\n"
                 "RUN apt-get install -y curl\n", id="earlier-run"),
    pytest.param("FROM debian:bookworm AS base\nRUN apt-get install -y --no-install-recommends ca-certificates\n"
                 "FROM base\nRUN apt-get install -y curl\n", id="parent-stage"),
    pytest.param("FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends ca-certificates && "
                 "apt-get install -y curl\n", id="same-run"),
]


@pytest.mark.parametrize("before", CA_ALREADY_THERE)
def test_ca_certificates_not_added_when_installed_already(before):
    result = rewrite(before, select=ID, unsafe=True)
    assert result.text == before.replace("-y curl", f"-y {NIR} curl")
    (reported,) = result.findings
    assert "ca-certificates" not in reported.finding.risk


def test_finding_points_at_the_install_line():
    result = rewrite("FROM debian:bookworm\nRUN apt-get update && \\\n    apt-get install -y jq\n", select=ID, unsafe=True)
    (reported,) = result.findings
    assert reported.line == 3


def test_ubuntu_stage_is_flagged_as_not_covered():
    risk = _risk("FROM ubuntu:20.04\nRUN apt-get install -y jq\n")
    assert "ubuntu:20.04 (Ubuntu 20.04 focal)" in risk and "sizes are not given" in risk


# Each release's own data: gcc's recommends are a different set on every release (bookworm's gcc-12
# pulls in the X265/AV1 codecs through its recommends; trixie's and noble's do not).
RELEASE_DATA = [
    pytest.param("debian:bookworm", "on a clean debian:bookworm: libx265-199", "data: Debian bookworm, generated",
                 id="debian-12"),
    pytest.param("debian:trixie-slim", "on a clean debian:trixie: libc6-dev (12.2 MB), linux-libc-dev (10.9 MB)",
                 "data: Debian trixie (13), generated", id="debian-13"),
    pytest.param("ubuntu:24.04", "on a clean ubuntu:24.04: ", "data: Ubuntu noble (24.04), generated", id="ubuntu-24.04"),
    pytest.param("ubuntu:jammy", "on a clean ubuntu:22.04: ", "data: Ubuntu jammy (22.04), generated", id="ubuntu-22.04"),
]


@pytest.mark.parametrize("image, names, source", RELEASE_DATA)
def test_each_release_gets_its_own_names_and_sizes(image, names, source):
    (reported,) = rewrite(f"FROM {image}\nRUN apt-get install -y gcc\n", select=ID, unsafe=True).findings
    risk = reported.finding.risk
    assert names in risk and source in risk
    key = {"debian": "debian-", "ubuntu": "ubuntu-"}[image.split(":")[0]]
    data = recommends_data(key + {"bookworm": "12", "trixie-slim": "13", "24.04": "24.04", "jammy": "22.04"}[
        image.split(":")[1]])
    dropped = dropped_by(["gcc"], data=data)
    assert f"drops {len(dropped.packages)} recommended packages" in risk and dropped.packages[0] in risk
    assert f"(about {dropped.kib / 1024:.1f} MB less)" in reported.finding.message
    others = [k for k in ("debian-12", "debian-13", "ubuntu-24.04", "ubuntu-22.04") if k != data.key]
    assert all(dropped_by(["gcc"], data=recommends_data(k)).packages != dropped.packages for k in others)


UNCOVERED = [
    pytest.param("debian:bullseye", "debian:bullseye (Debian 11 bullseye)", id="older-debian"),
    pytest.param("debian:forky", "debian:forky (Debian 14 forky)", id="newer-debian"),
    pytest.param("ubuntu:20.04", "ubuntu:20.04 (Ubuntu 20.04 focal)", id="older-ubuntu"),
    pytest.param("ubuntu:25.04", "ubuntu:25.04 (Ubuntu 25.04 plucky)", id="interim-ubuntu"),
]


@pytest.mark.parametrize("image, described", UNCOVERED)
def test_a_release_without_data_gets_no_names_or_sizes(image, described):
    (reported,) = rewrite(f"FROM {image}\nRUN apt-get install -y gcc\n", select=ID, unsafe=True).findings
    risk = reported.finding.risk
    assert f"the base is {described}, which the data (" in risk and "sizes are not given" in risk
    assert "drops" not in risk and "MB" not in risk and "MB" not in reported.finding.message


@pytest.mark.parametrize("image, release", [("python:3.12-slim-trixie", "Debian 13 trixie"),
                                            ("eclipse-temurin:21-jdk-noble", "Ubuntu 24.04 noble")])
def test_an_image_built_on_a_covered_release_gets_no_sizes(image, release):
    risk = _risk(f"FROM {image}\nRUN apt-get install -y gcc\n")
    assert f"(built on {release}), which ships packages of its own" in risk and "drops" not in risk


def test_nothing_to_drop_is_said():
    (reported,) = rewrite("FROM debian:bookworm\nRUN apt-get install -y tzdata\n", select=ID, unsafe=True).findings
    assert "nothing to drop" in reported.finding.message
    assert "tzdata: no recommended packages to drop" in reported.finding.risk


def _generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_apt_recommends", ROOT / "tools" / "gen_apt_recommends.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reads_package_names_like_the_pass():
    gen = _generator()
    assert [gen.package_name(w) for w in ("curl=7.88*", "zlib1g-dev:arm64", "git/bookworm-backports")] == \
        ["curl", "zlib1g-dev", "git"]


@pytest.mark.parametrize("key", ["debian-12", "debian-13", "ubuntu-22.04", "ubuntu-24.04"])
def test_shipped_data_is_in_the_generators_format_and_says_where_it_comes_from(key):
    gen = _generator()
    path = ROOT / "optimizer" / "data" / f"apt_recommends_{key}.json"
    text = path.read_text()
    raw = json.loads(text)
    assert gen.dump(raw) == text
    assert raw["generator"] == "tools/gen_apt_recommends.py" and raw["arch"] == "amd64"
    codename = gen.RELEASES[tuple(key.split("-"))][0]
    assert codename in raw["source"] and "signed by the release's archive keys" in raw["provenance"]
    # only what DO102 reads: sizes of dropped packages, installs that some entry drops
    dropped = {p for entry in raw["packages"].values() for p in entry["dropped"]}
    assert set(raw["installed_size_kib"]) == dropped
    assert all(set(entry) == {"default", "minimal", "dropped", "installs"} and set(entry["installs"]) <= dropped
               for entry in raw["packages"].values())


FLAG_IN_OTHER_COMMANDS = [
    pytest.param("FROM debian:bookworm\nRUN mk-build-deps --install --tool='apt-get --no-install-recommends -y' control\n"
                 "RUN apt-get install -y jq\n", id="mk-build-deps-tool"),
    pytest.param("FROM debian:bookworm\nRUN dpkg -l | cut -f3 | xargs apt-get install -y --no-install-recommends man\n"
                 "RUN apt-get install -y jq\n", id="xargs"),
]


@pytest.mark.parametrize("before", FLAG_IN_OTHER_COMMANDS)
def test_a_flag_given_to_another_apt_run_is_not_a_config(before):
    assert rewrite(before, select=ID, unsafe=True).text == before.replace("-y jq", f"-y {NIR} jq")


def test_declares_apts_marks_of_the_recommends_it_no_longer_installs():
    # Real projects (benchmarks/REAL_PROJECTS.md): without recommends, apt's list of automatically installed
    # packages differs in every rewritten image; verify must count it as DO102's.
    from optimizer.passes.apt_no_install_recommends import PASS
    from optimizer.verify.declared import Evidence, declared_paths
    from optimizer.verify.filesystem import Snapshot

    covers = declared_paths(PASS.image_changes, Evidence(Snapshot({}), Snapshot({}), frozenset()))
    assert covers("/var/lib/apt/extended_states")
    assert not covers("/etc/passwd")


def test_a_kept_package_is_named_in_the_install_so_the_fix_declares_and_says_it_may_be_upgraded():
    # awesome-compose--traefik-golang--backend: naming ca-certificates upgraded the golang base's older one
    result = rewrite("FROM golang:1.18\nRUN apt-get update && apt-get install -y curl\n", select="DO102", unsafe=True)
    (reported,) = result.findings
    assert reported.finding.fix.image_changes == ("packages-upgraded",)
    assert "upgraded where the base has an older version" in reported.finding.risk
    plain = rewrite("FROM debian:bookworm\nRUN apt-get update && apt-get install -y jq\n", select="DO102", unsafe=True)
    assert plain.findings[0].finding.fix.image_changes == ()
