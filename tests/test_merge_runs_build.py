"""DO113 merge-runs proved with real builds in the lab (``dockeropt verify``): the golden case and a
file that one RUN writes and the next deletes. Skipped where podman or the lab is missing (see
tests/test_verify_build.py, whose lab fixtures these tests use)."""

from __future__ import annotations

from optimizer.config import Config
from optimizer.record import replace
from optimizer.verify import verify_dockerfile

from .conftest import ROOT
from .test_golden import _config
from .test_verify_build import lab, lab_env, show  # noqa: F401 (fixtures)

CASE = ROOT / "corpus" / "merge-runs"


def test_golden_case_builds_with_fewer_layers_and_the_same_files(lab, evidence):
    config = replace(_config(CASE), unsafe=True)
    report = verify_dockerfile(CASE / "Dockerfile", CASE, config, builder="podman",
                               smoke="cat /srv/app/data/status", rebuild=False)
    show(evidence, report)
    assert report.ok, report.text()
    a, b = report.original, report.rewritten
    assert b.layers == a.layers - 3  # four RUNs became one
    assert report.files is not None and not report.files.diffs  # not one file differs
    assert not report.config_diffs and a.smoke == b.smoke and a.smoke[0] == 0


def test_a_file_the_next_run_deletes_no_longer_reaches_a_layer(lab, tmp_path, evidence):
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:bookworm\n"
        "RUN head -c 20000000 /dev/zero > /tmp/blob\n"
        "RUN sha256sum /tmp/blob | cut -c1-64 > /blob.sum\n"
        "RUN rm /tmp/blob\n"
        'CMD ["wc", "-c", "/blob.sum"]\n')
    report = verify_dockerfile(tmp_path / "Dockerfile", config=Config(unsafe=True, select=frozenset({"DO113"})),
                               builder="podman", smoke="wc -c /blob.sum", rebuild=False)
    show(evidence, report)
    assert report.ok, report.text()
    a, b = report.original, report.rewritten
    assert b.size < a.size - 19_000_000  # the 20 MB blob is gone from the layers
    assert report.files is not None and not report.files.diffs
    assert a.smoke == b.smoke and a.smoke[0] == 0
