"""``--format sarif``: a valid SARIF 2.1.0 log (checked against the official schema in tests/data) with
rules from the passes, located results, and fixes that rebuild the fixed file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from optimizer.cli import main
from optimizer.passes import PASSES
from .helpers import invoke

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
SPLIT = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"


def sarif(*args, input=None):
    result = invoke(main, ["--format", "sarif", *args], input=input)
    log = json.loads(result.stdout_bytes)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return result.exit_code, log


CASES = {
    "safe-fixes": {"Dockerfile": SPLIT},
    "dockerignore": {"Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", "package.json": "{}\n",
                     "package-lock.json": "{}\n", "node_modules/x/index.js": "x\n"},
    "unsafe-only": {"Dockerfile": "FROM debian\nRUN apt-get update && apt-get install -y curl && "
                                  "rm -rf /var/lib/apt/lists/*\n"},
    "nothing": {"Dockerfile": "FROM scratch\nCOPY app /app\n"},
    "broken": {"Dockerfile": "FROM debian\nRUN <<EOF\nnever closed\n"},
}


@pytest.mark.parametrize("files", CASES.values(), ids=CASES.keys())
def test_every_log_is_valid_sarif_with_located_results(tmp_path, files, monkeypatch):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    code, log = sarif("Dockerfile")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [p.id for p in PASSES]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "Dockerfile" and location["region"]["startLine"] >= 1
    assert run["invocations"][0]["executionSuccessful"] is (code != 2)


def test_safe_fixes_rebuild_the_fixed_file_and_unsafe_ones_carry_no_fix(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(SPLIT)
    code, log = sarif(str(path))
    assert code == 1
    results = log["runs"][0]["results"]
    by_status = {r["ruleId"]: r for r in results}
    assert by_status["DO102"]["properties"]["status"] == "needs-unsafe" and "fixes" not in by_status["DO102"]
    assert by_status["DO102"]["properties"]["risk"]
    replacements = {(rep["deletedRegion"]["charOffset"], rep["deletedRegion"]["charLength"]):
                    rep["insertedContent"]["text"]
                    for r in results for fix in r.get("fixes", []) for change in fix["artifactChanges"]
                    for rep in change["replacements"]}
    assert {"DO101", "DO103"} <= {r["ruleId"] for r in results if "fixes" in r}
    text = SPLIT
    for (offset, length), inserted in sorted(replacements.items(), reverse=True):
        text = text[:offset] + inserted + text[offset + length:]
    assert text == "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"


def test_an_unreadable_file_is_a_tool_notification(tmp_path):
    code, log = sarif(str(tmp_path / "missing" / "Dockerfile"))
    assert code == 2
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["level"] == "error" and "missing" in notes[0]["message"]["text"]


def test_rule_help_is_the_explain_text():
    from optimizer.docs import explain

    _, log = sarif("-", input="FROM scratch\n")
    for rule, pass_ in zip(log["runs"][0]["tool"]["driver"]["rules"], PASSES):
        assert rule["help"]["markdown"] == explain(pass_)
