"""verify's attribution of generated files to removed packages: a path that the maintainer scripts of a package
only the original image has (a dropped recommend) write is declared with that evidence, and only then.

The scripts are excerpts of Debian bookworm's (openssh-client, netbase, fontconfig-config, ca-certificates)."""

from __future__ import annotations

import json

from optimizer.record import replace
from optimizer.verify.declared import Evidence, declared_paths, generated_files
from optimizer.verify.filesystem import KEPT_TEXTS, Entry, Snapshot
from optimizer.verify.fscompare import compare_files
from optimizer.verify.report import VerifyReport

OPENSSH_POSTINST = """#!/bin/sh
set -e
set_ssh_agent_permissions() {
	if ! getent group _ssh >/dev/null; then
		addgroup --system --quiet --force-badname _ssh
	fi
}
remove_obsolete_alternatives() {
	update-alternatives --remove rcp /usr/bin/scp
}
"""
NETBASE_POSTINST = """#!/bin/sh -e
create_networks_file() {
  if [ -e /etc/networks ]; then return 0; fi
  cat > /etc/networks <<-EOF
	default		0.0.0.0
EOF
}
"""
FONTCONFIG_POSTINST = """#!/bin/sh
CONFAVAIL=/usr/share/fontconfig/conf.avail
CONFDIR=/etc/fonts/conf.d
    hintslight="10-hinting-slight.conf"
    ln -s $CONFAVAIL/$hintslight $CONFDIR/$hintslight
# Create /usr/local/share/fonts
LOCALDIR=/usr/local/share/fonts
if [ ! -d $LOCALDIR ]; then mkdir $LOCALDIR; fi
style=hintfull
style=hintnone
ln -s $CONFAVAIL/$style.conf $CONFDIR/$style.conf
"""
CA_POSTINST = """#!/bin/sh
case "$1" in
    configure)
        update-ca-certificates
    ;;
esac
"""
SSL_CERT_POSTINST = """#!/bin/sh
if ! getent group ssl-cert >/dev/null; then
	addgroup --quiet --system --force-badname ssl-cert
fi
make-ssl-cert generate-default-snakeoil
if ! dpkg-statoverride --list /etc/ssl/private >/dev/null 2>&1
then
    dpkg-statoverride --update --add root ssl-cert 710 /etc/ssl/private
fi
"""
STATUS = "Package: {}\nStatus: install ok installed\n\n"
GROUP = "root:x:0:\nstaff:x:50:\nnogroup:x:65534:\n"
GSHADOW = "root:*::\nstaff:*::\nnogroup:*::\n"


def _snapshot(texts: dict[str, str], others: tuple[str, ...] = ()) -> Snapshot:
    files = {path: Entry("file", 0o644, 0, 0, len(text), str(hash(text))) for path, text in texts.items()}
    files.update({path: Entry("file", 0o644, 0, 0, 1, "x") for path in others})
    return Snapshot(files, {path: text for path, text in texts.items() if KEPT_TEXTS(path)})


def _dpkg(packages: dict[str, str]) -> dict[str, str]:
    """dpkg's status (git, python3 and ``packages``) and the packages' postinst scripts."""
    return {"/var/lib/dpkg/status": "".join(STATUS.format(name) for name in ("git", "python3", *packages)),
            **{f"/var/lib/dpkg/info/{name}.postinst": script for name, script in packages.items()}}


def _images(removed: dict[str, str], original_texts: dict[str, str], rewritten_texts: dict[str, str],
            original_only: tuple[str, ...] = (), kept: dict[str, str] | None = None) -> Evidence:
    """The original image with the packages ``removed`` and ``kept`` (name -> postinst), the rewritten with
    ``kept`` only."""
    kept = kept or {}
    original = _snapshot({**_dpkg({**removed, **kept}), **original_texts}, original_only)
    return Evidence(original, _snapshot({**_dpkg(kept), **rewritten_texts}), frozenset())


def test_the_group_a_removed_packages_script_adds_is_declared_entry_by_entry():
    evidence = _images({"openssh-client": OPENSSH_POSTINST},
                       {"/etc/group": GROUP + "_ssh:x:101:\n", "/etc/gshadow": GSHADOW + "_ssh:!::\n",
                        "/etc/group-": GROUP, "/etc/gshadow-": GSHADOW},
                       {"/etc/group": GROUP, "/etc/gshadow": GSHADOW})
    why = evidence.generated.why
    assert why("/etc/group") == "entries _ssh added by openssh-client.postinst"
    assert why("/etc/gshadow") == "entries _ssh added by openssh-client.postinst"
    assert why("/etc/group-") == ("a backup of the shared entries, written by the account tools that "
                                  "openssh-client.postinst run")
    assert why("/etc/gshadow-") is not None


def test_an_account_entry_no_removed_package_creates_stays_undeclared():
    group = GROUP + "_ssh:x:101:\ndocker:x:999:\n"  # docker: from no removed package's script
    evidence = _images({"openssh-client": OPENSSH_POSTINST}, {"/etc/group": group}, {"/etc/group": GROUP})
    assert evidence.generated.why("/etc/group") is None
    changed = _images({"openssh-client": OPENSSH_POSTINST}, {"/etc/group": GROUP.replace("staff:x:50:", "staff:x:50:me")},
                      {"/etc/group": GROUP})
    assert changed.generated.why("/etc/group") is None  # staff's members changed: nothing adds to staff
    fewer = _images({"openssh-client": OPENSSH_POSTINST}, {"/etc/group": GROUP + "_ssh:x:101:\n"},
                    {"/etc/group": GROUP + "_ssh:x:101:\nvideo:x:44:\n"})
    assert fewer.generated.why("/etc/group") is None  # an entry only the rewritten image has


def test_a_script_of_a_package_both_images_have_explains_nothing():
    evidence = _images({}, {"/etc/group": GROUP + "_ssh:x:101:\n", "/etc/networks": "default 0.0.0.0\n"},
                       {"/etc/group": GROUP}, kept={"openssh-client": OPENSSH_POSTINST, "netbase": NETBASE_POSTINST})
    assert evidence.generated.why("/etc/group") is None
    assert evidence.generated.why("/etc/networks") is None


def test_a_path_the_script_writes_is_declared_only_when_the_rewritten_image_lacks_it():
    script = NETBASE_POSTINST + "if [ -e /etc/hostname ]; then cp /etc/hostname /tmp/seen; fi\n"
    evidence = _images({"netbase": script}, {"/etc/networks": "default 0.0.0.0\n"}, {}, original_only=("/etc/hostname",))
    assert evidence.generated.why("/etc/networks") == "netbase.postinst writes it"
    assert evidence.generated.why("/etc/hostname") is None  # named, read, never written
    both = _images({"netbase": NETBASE_POSTINST}, {"/etc/networks": "default 0.0.0.0\n"},
                   {"/etc/networks": "loopback 127.0.0.0\n"})
    assert both.generated.why("/etc/networks") is None  # changed, not created: the script does not explain it


def test_paths_built_from_the_scripts_plain_variables_are_written():
    links = ("/etc/fonts/conf.d/10-hinting-slight.conf", "/usr/local/share/fonts", "/etc/fonts/conf.d/hintfull.conf")
    evidence = _images({"fontconfig-config": FONTCONFIG_POSTINST}, {}, {}, original_only=links)
    why = evidence.generated.why
    assert why(links[0]) == why(links[1]) == "fontconfig-config.postinst writes it"
    assert why(links[2]) is None  # $style has two values: not expanded, not proven


def test_the_outputs_of_a_tool_the_script_runs_are_declared():
    evidence = _images({"ca-certificates": CA_POSTINST, "openssh-client": OPENSSH_POSTINST}, {}, {},
                       original_only=("/etc/ssl/certs/002c0b4f.0", "/var/log/alternatives.log", "/run/adduser",
                                      "/etc/ssl/private/site.key"))
    why = evidence.generated.why
    assert why("/etc/ssl/certs/002c0b4f.0").startswith("ca-certificates.postinst runs update-ca-certificates")
    assert why("/var/log/alternatives.log").startswith("openssh-client.postinst runs update-alternatives")
    assert why("/run/adduser") == "openssh-client.postinst runs addgroup (adduser's lock file)"
    assert why("/etc/ssl/private/site.key") is None


def test_the_scope_declares_them_and_the_report_says_which_package_wrote_what():
    evidence = _images({"netbase": NETBASE_POSTINST, "openssh-client": OPENSSH_POSTINST},
                       {"/etc/networks": "default 0.0.0.0\n", "/etc/group": GROUP + "_ssh:x:101:\n"},
                       {"/etc/group": GROUP}, original_only=("/etc/hostname",))
    covers = declared_paths(("packages-not-installed",), evidence)
    diff = compare_files(evidence.original, evidence.rewritten, {"DO102": covers})
    assert [d.path for d in diff.undeclared] == ["/etc/hostname"]
    generated = generated_files((d.path for d in diff.diffs if d.declared_by), evidence)
    assert ("/etc/networks", "netbase.postinst writes it") in generated
    assert ("/etc/group", "entries _ssh added by openssh-client.postinst") in generated
    assert all(not path.startswith("/var/lib/dpkg/") for path, _ in generated)  # dpkg's own state: not "generated"
    report = VerifyReport("Dockerfile", ("DO102 apt-no-install-recommends",), "podman",
                          files=replace(diff, generated=generated))
    assert "written by a package no longer installed: /etc/networks: netbase.postinst writes it" in report.text()
    assert "- /etc/group: entries _ssh added by openssh-client.postinst" in report.markdown()
    assert json.loads(report.to_json())["filesystem"]["generated"]["/etc/networks"] == "netbase.postinst writes it"


def test_an_owner_and_mode_a_removed_packages_script_overrides_are_declared_with_dpkgs_record():
    def image(mode: int, gid: int, overrides: str, packages: dict[str, str]) -> Snapshot:
        snapshot = _snapshot({**_dpkg(packages), "/var/lib/dpkg/statoverride": overrides})
        snapshot.files["/etc/ssl/private"] = Entry("dir", mode, 0, gid)
        if packages:  # make-ssl-cert's hash link of the snakeoil certificate
            snapshot.files["/etc/ssl/certs/a1b2c3d4.0"] = Entry("symlink", 0o777, 0, 0, target="ssl-cert-snakeoil.pem")
        return snapshot

    original = image(0o710, 104, "root ssl-cert 710 /etc/ssl/private\n", {"ssl-cert": SSL_CERT_POSTINST})
    evidence = Evidence(original, image(0o700, 0, "", {}), frozenset())
    assert evidence.generated.why("/etc/ssl/private") == ("ssl-cert.postinst sets its owner and mode with "
                                                          "dpkg-statoverride (root ssl-cert 710)")
    assert evidence.generated.why("/etc/ssl/certs/a1b2c3d4.0").startswith("ssl-cert.postinst runs make-ssl-cert")
    recorded_in_both = Evidence(original, image(0o700, 0, "root ssl-cert 710 /etc/ssl/private\n", {}), frozenset())
    assert recorded_in_both.generated.why("/etc/ssl/private") is None
    no_record = Evidence(image(0o710, 104, "", {"ssl-cert": SSL_CERT_POSTINST}), image(0o700, 0, "", {}), frozenset())
    assert no_record.generated.why("/etc/ssl/private") is None  # chmod'ed by something dpkg did not record
