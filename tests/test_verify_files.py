"""verify's filesystem oracle without builds: reading an image's files from a tar, the glob patterns,
what each pass declares, the comparison and its report, and how builders' missing-image errors read."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest

from optimizer.model import parse
from optimizer.passes import PASSES
from optimizer.verify.builders import missing_base_image
from optimizer.verify.declared import Evidence, carried, check_declaration, declared_paths, installed
from optimizer.verify.filesystem import Entry, Snapshot, read_tar
from optimizer.verify.fscompare import compare_files
from optimizer.verify.globs import matcher
from optimizer.verify.report import ImageReport, VerifyReport


def tar_of(*members: tuple[str, object]) -> io.BytesIO:
    """A tar stream: (name, bytes) is a file, (name, None) a folder, (name, "->target") a symlink,
    (name, "=>other") a hard link."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.mtime = len(out.getvalue())  # every entry a different time: never compared
            if content is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                archive.addfile(info)
            elif isinstance(content, str):
                info.type = tarfile.SYMTYPE if content.startswith("->") else tarfile.LNKTYPE
                info.linkname = content[2:]
                archive.addfile(info)
            else:
                info.size, info.mode = len(content), 0o644
                archive.addfile(info, io.BytesIO(content))
    out.seek(0)
    return out


def jar(stamp: tuple[int, ...], body: bytes = b"class") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("app/Main.class", date_time=stamp), body)
    return out.getvalue()


def pyc(mtime: int, code: bytes = b"code") -> bytes:
    return b"\xa7\x0d\x0d\x0a" + (0).to_bytes(4, "little") + mtime.to_bytes(4, "little") + (9).to_bytes(4, "little") + code


def test_read_tar_keeps_type_mode_owner_content_and_link_targets_by_absolute_path():
    files = read_tar(tar_of(("./", None), ("./etc", None), ("./etc/os", b"debian"), ("./bin", "->usr/bin"),
                            ("./etc/os-copy", "=>etc/os"))).files
    assert set(files) == {"/etc", "/etc/os", "/bin", "/etc/os-copy"}
    assert files["/etc"].kind == "dir" and files["/etc"].mode == 0o755
    assert files["/bin"] == Entry("symlink", 0o644, 0, 0, target="usr/bin")
    assert files["/etc/os"].size == 6 and files["/etc/os-copy"].digest == files["/etc/os"].digest


@pytest.mark.parametrize("name, a, b, same", [
    ("app.jar", jar((2020, 1, 1, 0, 0, 0)), jar((2026, 12, 3, 12, 0, 0)), True),
    ("app.jar", jar((2020, 1, 1, 0, 0, 0)), jar((2020, 1, 1, 0, 0, 0), b"other"), False),
    ("m.cpython-311.pyc", pyc(1), pyc(2), True),
    ("m.cpython-311.pyc", pyc(1), pyc(1, b"other"), False),
    ("notes.txt", b"a", b"b", False),
], ids=["jar-timestamps", "jar-content", "pyc-source-mtime", "pyc-code", "plain"])
def test_content_digests_leave_out_the_timestamps_inside_jars_and_pycs(name, a, b, same):
    first, second = (read_tar(tar_of((name, data))).files["/" + name] for data in (a, b))
    assert (first.digest == second.digest) is same


def test_the_dpkg_database_is_kept_as_text():
    snapshot = read_tar(tar_of(("var/lib/dpkg/status", b"Package: curl\nStatus: install ok installed\n\n"
                                                       b"Package: gone\nStatus: deinstall ok config-files\n"),
                               ("var/lib/dpkg/info/curl.list", b"/usr/bin/curl\n"), ("etc/big", b"x")))
    assert set(snapshot.texts) == {"/var/lib/dpkg/status", "/var/lib/dpkg/info/curl.list"}
    assert installed(snapshot) == {"curl"}


@pytest.mark.parametrize("patterns, path, expected", [
    (("/var/lib/apt/lists/**",), "/var/lib/apt/lists/partial", True),
    (("/var/lib/apt/lists/**",), "/var/lib/apt/lists", True),
    (("/var/lib/apt/lists/**",), "/var/lib/apt/listsX", False),
    (("/**/.cache/pip/**",), "/home/app/.cache/pip/http/a", True),
    (("/**/.cache/pip/**",), "/root/.cache/other", False),
    (("/var/log/*.log",), "/var/log/apt/history.log", False),
    (("/**", "!/app/app.jar"), "/app/app.jar", False),
    (("/**", "!/app/app.jar"), "/usr/bin/java", True),
], ids=["below", "the-folder", "prefix-only", "any-home", "other-cache", "star-one-level", "negated", "not-negated"])
def test_globs(patterns, path, expected):
    assert matcher(patterns)(path) is expected


def test_every_pass_declares_valid_patterns_or_known_scopes():
    for pass_ in PASSES:
        for item in pass_.image_changes:
            check_declaration(item)
    with pytest.raises(ValueError):
        check_declaration("var/lib/apt/lists/**")


def snap(**files: str) -> Snapshot:
    """A snapshot from path=content keywords (``__`` for ``/``, ``_`` for ``.``)."""
    return Snapshot({"/" + k.replace("__", "/").replace("_", "."): Entry("file", 0o644, 0, 0, len(v), v)
                     for k, v in files.items()})


EMPTY = Evidence(snap(), snap(), frozenset())


def test_declared_paths_pass_undeclared_ones_fail_and_logs_are_volatile():
    before = snap(var__lib__apt__lists__index="i", etc__ld_so_cache="a", var__log__dpkg_log="t1", usr__bin__x="x")
    after = snap(etc__ld_so_cache="b", var__log__dpkg_log="t2", usr__bin__x="x", usr__bin__y="y")
    diff = compare_files(before, after, {"DO103": declared_paths(("/var/lib/apt/lists/**",), EMPTY)})
    assert [(d.path, d.change, d.declared_by) for d in diff.diffs] == [
        ("/etc/ld.so.cache", "changed", ()), ("/usr/bin/y", "added", ()),
        ("/var/lib/apt/lists/index", "removed", ("DO103",))]
    assert diff.volatile == ("/var/log/dpkg.log",)
    assert [d.path for d in diff.undeclared] == ["/etc/ld.so.cache", "/usr/bin/y"]
    assert diff.to_dict() == {"same": False, "added": 1, "removed": 1, "changed": 1,
                              "undeclared": ["/etc/ld.so.cache", "/usr/bin/y"], "declared_by": {"DO103": 1},
                              "volatile": 1, "generated": {}}
    assert diff.summary() == "+1 -1 ~1: 2 undeclared (1 volatile compared without content)"


def test_a_volatile_file_that_appears_is_still_a_difference():
    diff = compare_files(snap(), snap(var__log__apt__history_log="t"), {})
    assert [d.describe() for d in diff.undeclared] == ["added /var/log/apt/history.log"]


def test_npm_logs_named_by_the_time_of_the_build_are_volatile_whatever_differs():
    log = "/root/.npm/_logs/2026-12-03T13_06_{}Z-debug-0.log"
    diff = compare_files(*(Snapshot({log.format(t): Entry("file", 0o644, 0, 0, 1, t)}) for t in ("27_111", "52_118")), {})
    assert diff.same and len(diff.volatile) == 2


@pytest.mark.parametrize("after, volatile", [
    ('{"lastCheck": 1764770000000}', True),  # nodemon's postinstall, the time of the other build
    ('{"lastCheck": 1764770000000, "optOut": true}', False),  # another field differs
    ('{"lastCheck": "soon"}', False),  # not a time
    ("not json", False),
])
def test_a_configstore_record_differing_only_in_the_time_of_the_build_is_volatile(after, volatile):
    path = "/root/.config/configstore/nodemon.json"
    images = [read_tar(tar_of(("./root/.config/configstore/nodemon.json", text.encode())))
              for text in ('{"lastCheck": 1764769000000}', after)]
    diff = compare_files(*images, {})
    assert (diff.volatile == (path,) and diff.same) if volatile else [d.path for d in diff.undeclared] == [path]


def test_copied_context_declares_the_context_files_wherever_they_landed():
    evidence = Evidence(snap(), snap(), frozenset({".git/HEAD", "docs/manual.pdf"}))
    covers = declared_paths(("copied-context",), evidence)
    assert covers("/app/.git/HEAD") and covers("/app/.git") and covers("/srv/docs/manual.pdf")
    assert not covers("/app/src/Main.java") and not covers("/app/HEAD")


def test_packages_not_installed_declares_the_dropped_packages_files_and_dpkgs_state():
    status = "Package: curl\nStatus: install ok installed\n\nPackage: {}\nStatus: install ok installed\n"
    original = Snapshot({}, {"/var/lib/dpkg/status": status.format("libldap-common"),
                             "/var/lib/dpkg/info/libldap-common.list": "/.\n/etc/ldap/ldap.conf\n",
                             "/var/lib/dpkg/info/curl.list": "/usr/bin/curl\n"})
    rewritten = Snapshot({}, {"/var/lib/dpkg/status": status.format("curl")})
    covers = declared_paths(("packages-not-installed",), Evidence(original, rewritten, frozenset()))
    assert covers("/etc/ldap/ldap.conf") and covers("/var/lib/dpkg/status") and covers("/etc/ld.so.cache")
    assert covers("/var/lib/apt/extended_states")  # apt marks the recommends it installed automatically
    assert not covers("/usr/bin/curl") and not covers("/etc/passwd")


def test_packages_upgraded_declares_the_files_and_script_outputs_of_packages_at_another_version():
    # awesome-compose--traefik-golang--backend: DO102 names ca-certificates (kept for curl), which upgrades the
    # golang base's older one; the original's satisfied recommends left it as it was
    status = ("Package: ca-certificates\nStatus: install ok installed\nVersion: {}\n\n"
              "Package: curl\nStatus: install ok installed\nVersion: 7.88.1\n")
    script = "update-ca-certificates\nmv -f /etc/ca-certificates.conf /etc/ca-certificates.conf.dpkg-old\n"
    original = Snapshot({}, {"/var/lib/dpkg/status": status.format("20230311"),
                             "/var/lib/dpkg/info/ca-certificates.list": "/usr/share/ca-certificates/mozilla/A.crt\n",
                             "/var/lib/dpkg/info/curl.list": "/usr/bin/curl\n"})
    rewritten = Snapshot({}, {"/var/lib/dpkg/status": status.format("20250419"),
                              "/var/lib/dpkg/info/ca-certificates.list": "/usr/share/ca-certificates/mozilla/B.crt\n",
                              "/var/lib/dpkg/info/ca-certificates.postinst": script,
                              "/var/lib/dpkg/info/curl.list": "/usr/bin/curl\n"})
    covers = declared_paths(("packages-upgraded",), Evidence(original, rewritten, frozenset()))
    assert covers("/usr/share/ca-certificates/mozilla/A.crt") and covers("/usr/share/ca-certificates/mozilla/B.crt")
    assert covers("/etc/ssl/certs/Atos_TrustedRoot_Root_CA_ECC_TLS_2021.pem")  # update-ca-certificates' links
    assert covers("/etc/ca-certificates.conf.dpkg-old") and covers("/var/lib/dpkg/status")
    assert not covers("/usr/bin/curl") and not covers("/etc/passwd")  # same version: nothing declared
    same = declared_paths(("packages-upgraded",), Evidence(original, original, frozenset()))
    assert not same("/usr/share/ca-certificates/mozilla/A.crt") and not same("/etc/ssl/certs/x.pem")


def test_new_root_declares_every_path_but_what_the_final_stage_copies():
    doc = parse("FROM maven AS build\nRUN mvn package\nFROM jre\nWORKDIR /app\nCOPY --from=build /src/app.jar lib/\n")
    covers = declared_paths(("new-root",), Evidence(snap(), snap(), frozenset(), carried=carried(doc)))
    assert covers("/usr/lib/jvm/java/bin/java") and covers("/app") and covers("/app/library")
    assert not covers("/app/lib") and not covers("/app/lib/app.jar")


def _image(label: str, runs: tuple[float, ...] = (20.0,)) -> ImageReport:
    return ImageReport(label, True, size=100_000_000, layers=3, clean_s=sorted(runs)[len(runs) // 2],
                       clean_runs=runs, rebuild_s=1.0, rebuild_runs=(1.0,) * len(runs))


def test_the_report_shows_the_file_comparison_and_lists_undeclared_paths():
    diff = compare_files(snap(etc__ld_so_cache="a"), snap(etc__ld_so_cache="b"), {})
    report = VerifyReport("Dockerfile", ("DO999 move-ldconfig",), "podman", original=_image("original"),
                          rewritten=_image("rewritten"), files=diff, failures=("1 undeclared file difference(s)",))
    assert "UNDECLARED file difference: changed /etc/ld.so.cache (content)" in report.text()
    assert "- `changed /etc/ld.so.cache (content)`" in report.markdown()
    data = json.loads(report.to_json())
    assert data["filesystem"]["undeclared"] == ["/etc/ld.so.cache"] and data["filesystem"]["same"] is False


def test_several_runs_show_the_median_with_min_and_max():
    report = VerifyReport("Dockerfile", (), "podman", original=_image("original", (21.0, 19.0, 30.0)),
                          rewritten=_image("rewritten", (10.0, 11.0, 12.0)))
    clean = next(row for row in report.rows() if row[0] == "clean build")
    assert clean[1:3] == ("21.0 s (19.0-30.0)", "11.0 s (10.0-12.0)")
    data = json.loads(report.to_json())
    assert data["original"]["clean_build_runs_s"] == [21.0, 19.0, 30.0]


@pytest.mark.parametrize("log, image", [
    ('Error: creating build container: initializing source docker://python:3.12-slim: pinging container registry '
     'registry-1.docker.io: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io', "python:3.12-slim"),
    ("Error: localhost/nonexist:1: image not known", "localhost/nonexist:1"),
    ("ERROR: failed to solve: node:20: failed to resolve source metadata for docker.io/library/node:20: "
     "failed to do request", "docker.io/library/node:20"),
    ("pull access denied for acme/app, repository does not exist or may require 'docker login'", "acme/app"),
    ("Error: building at STEP \"RUN make\": while running runtime: exit status 2", None),
], ids=["podman-no-registry", "pull-never", "buildkit", "docker", "a-failing-step"])
def test_a_missing_base_image_is_told_apart_from_a_failing_step(log, image):
    assert missing_base_image(log) == image
