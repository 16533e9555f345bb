"""A local GitHub API for the bot tests: pull requests in memory, every request and response checked
against the OpenAPI slice in tests/data (GitHub's published description, see tests/data/README.md)."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT4

SLICE = Path(__file__).parent / "data" / "github-openapi-slice.json"
ALREADY_EXISTS = "A pull request already exists for {head}."


def _json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: ``nullable: true`` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


class OpenAPI:
    """Validation of requests and responses against the slice."""

    def __init__(self, path: Path = SLICE) -> None:
        self.doc = _json_schema(json.loads(path.read_text()))
        self.registry = Registry().with_resource("urn:slice", DRAFT4.create_resource(self.doc))

    def operation(self, method: str, path: str) -> tuple[str, dict, dict[str, str]]:
        """The path template, operation and path parameters for a request; KeyError when undocumented."""
        for template, item in self.doc["paths"].items():
            pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            match = re.match(pattern, path)
            if match and method.lower() in item:
                return template, item[method.lower()], match.groupdict()
        raise KeyError(f"{method} {path} is not in the OpenAPI slice")

    def check_request(self, method: str, path: str, query: dict[str, str], body) -> list[str]:
        try:
            template, operation, params = self.operation(method, path)
        except KeyError as error:
            return [str(error)]
        problems = []
        at = f"/paths/{_escape(template)}/{method.lower()}"
        for i, parameter in enumerate(operation.get("parameters", [])):
            where, parameter = self._resolve(parameter, f"{at}/parameters/{i}")
            values = params if parameter["in"] == "path" else query if parameter["in"] == "query" else {}
            if parameter["name"] not in values:
                if parameter.get("required"):
                    problems.append(f"missing parameter {parameter['name']}")
                continue
            value = values[parameter["name"]]
            if parameter["schema"].get("type") == "integer" and value.isdigit():
                value = int(value)
            problems += self._errors(value, f"{where}/schema")
        request_body = operation.get("requestBody")
        if request_body is None:
            return problems + (["unexpected request body"] if body is not None else [])
        if body is None:
            return problems + (["missing request body"] if request_body.get("required") else [])
        schema = request_body["content"]["application/json"]["schema"]
        extra = sorted(set(body) - set(schema["properties"])) if isinstance(body, dict) else []
        return (problems + self._errors(body, f"{at}/requestBody/content/application~1json/schema")
                + [f"request body property {name!r} is not in the description" for name in extra])

    def check_response(self, method: str, path: str, status: int, body) -> list[str]:
        template, operation, _ = self.operation(method, path)
        at = f"/paths/{_escape(template)}/{method.lower()}/responses/{status}"
        if str(status) not in operation["responses"]:  # any endpoint may answer 401, 404, 429, 5xx
            return self._errors(body, "/components/schemas/basic-error")
        where, response = self._resolve(operation["responses"][str(status)], at)
        if "content" not in response:
            return [] if body is None else [f"{status} should have no body"]
        return self._errors(body, f"{where}/content/application~1json/schema")

    def _resolve(self, node: dict, pointer: str) -> tuple[str, dict]:
        """Follow a local $ref: the pointer it lands on, and the object there."""
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self.doc
            for part in pointer.lstrip("/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return pointer, node

    def _errors(self, instance, pointer: str) -> list[str]:
        validator = jsonschema.Draft4Validator({"$ref": f"urn:slice#{pointer}"}, registry=self.registry)
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
                for e in validator.iter_errors(instance)]


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: object
    status: int = 0
    response: object = None
    authorization: str = ""


@dataclass
class FakeGitHub:
    """Pull requests of one repository, served on 127.0.0.1; ``script`` queues canned answers."""

    owner: str = "acme"
    repo: str = "app"
    token: str = "tok"
    pulls: list[dict] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    script: list[tuple[str, int, dict, object]] = field(default_factory=list)  # (method, status, headers, body)
    openapi: OpenAPI = field(default_factory=OpenAPI)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def _handle(self):
                fake.handle(self)

            do_GET = do_POST = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        call = Call(request.command, parts.path, dict(parse_qsl(parts.query)), body,
                    authorization=request.headers.get("Authorization", ""))
        self.calls.append(call)
        self.problems += [f"{call.method} {call.path}: {p}"
                          for p in self.openapi.check_request(call.method, call.path, call.query, body)]
        status, headers, answer = self._answer(call)
        self.problems += [f"{call.method} {call.path} -> {status}: {p}"
                          for p in self.openapi.check_response(call.method, call.path, status, answer)]
        call.status, call.response = status, answer
        data = json.dumps(answer).encode() if answer is not None else b""
        request.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, call: Call) -> tuple[int, dict, object]:
        if self.script and self.script[0][0] == call.method:
            _, status, headers, body = self.script.pop(0)
            return status, headers, body
        if call.authorization != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
        prefix = f"/repos/{self.owner}/{self.repo}/pulls"
        if call.method == "GET" and call.path == prefix:
            head = call.query.get("head", "")
            state = call.query.get("state", "open")
            found = [p for p in self.pulls if f"{self.owner}:{p['head']['ref']}" == head or not head]
            return 200, {}, [p for p in found if state == "all" or p["state"] == state]
        if call.method == "POST" and call.path == prefix:
            if any(p["head"]["ref"] == call.body["head"] and p["state"] == "open" for p in self.pulls):
                message = ALREADY_EXISTS.format(head=f"{self.owner}:{call.body['head']}")
                return 422, {}, {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
                                 "errors": [{"resource": "PullRequest", "code": "custom", "message": message}]}
            pull = self._new_pull(call.body)
            self.pulls.append(pull)
            return 201, {}, pull
        match = re.fullmatch(re.escape(prefix) + r"/(\d+)", call.path)
        if call.method == "PATCH" and match:
            pull = next((p for p in self.pulls if p["number"] == int(match.group(1))), None)
            if pull is None:
                return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
            pull.update({k: v for k, v in call.body.items() if k in ("title", "body", "state")})
            return 200, {}, pull
        return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}

    def _new_pull(self, body: dict) -> dict:
        number = len(self.pulls) + 1
        url = f"https://github.com/{self.owner}/{self.repo}/pull/{number}"
        return {"url": f"{self.url}/repos/{self.owner}/{self.repo}/pulls/{number}", "id": 1000 + number,
                "node_id": f"PR_{number}", "html_url": url, "number": number, "state": "open", "locked": False,
                "title": body.get("title", ""), "body": body.get("body"), "draft": False, "merged": False,
                "maintainer_can_modify": bool(body.get("maintainer_can_modify")),
                "head": {"label": f"{self.owner}:{body['head']}", "ref": body["head"], "sha": "0" * 40},
                "base": {"label": f"{self.owner}:{body['base']}", "ref": body["base"], "sha": "0" * 40}}
