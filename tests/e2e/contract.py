"""Checks live responses against contract/openapi.yaml (the machine-readable API contract).

Debian's python3-yaml and python3-jsonschema (4.10) only; run with /usr/bin/python3.

    import contract
    r = requests.post(BASE + "/auth/login", json={...})
    body = contract.check(r, "/auth/login", "POST")

check() raises AssertionError when the status is not documented for the operation, when a
documented header is missing or malformed, or when the JSON body does not match the schema.
"""
from __future__ import annotations

import copy
import datetime
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent.parent / "contract" / "openapi.yaml"

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords of the OpenAPI 3.0 Schema Object that JSON Schema does not know.
_OPENAPI_ONLY = {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs",
                 "example", "deprecated"}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.I)
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json$", re.I)


# --------------------------------------------------------------------------- loading
@functools.lru_cache(maxsize=None)
def load() -> dict:
    """The parsed contract (read once, cached). Do not mutate it."""
    with open(SPEC_PATH, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    if not isinstance(spec, dict):
        raise AssertionError(f"{SPEC_PATH}: not a YAML mapping")
    return spec


def resolve_ref(ref: str, spec: dict | None = None) -> Any:
    """Follows a local JSON pointer such as '#/components/schemas/User'."""
    spec = load() if spec is None else spec
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise AssertionError(f"unsupported $ref {ref!r} (only local '#/...' refs)")
    node: Any = spec
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise AssertionError(f"$ref {ref!r} does not resolve (no {part!r})")
    return node


def _deref(node: Any, spec: dict) -> Any:
    """Follows $ref chains of a non-schema object (response, header)."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            raise AssertionError(f"$ref cycle at {node['$ref']}")
        seen.add(node["$ref"])
        node = resolve_ref(node["$ref"], spec)
    return node


# --------------------------------------------------------------------------- schemas
def to_json_schema(schema: Any, spec: dict | None = None, _depth: int = 0) -> Any:
    """An OpenAPI 3.0 Schema Object turned into plain JSON Schema (draft 4): $refs inlined,
    `nullable: true` turned into a type union (or an anyOf with null), OpenAPI-only keywords dropped."""
    spec = load() if spec is None else spec
    if _depth > 64:
        raise AssertionError("schema nesting too deep (recursive $ref?)")
    if isinstance(schema, bool) or not isinstance(schema, dict):
        return schema
    if "$ref" in schema:  # siblings of $ref are ignored in OpenAPI 3.0
        return to_json_schema(resolve_ref(schema["$ref"], spec), spec, _depth + 1)
    out: dict = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: to_json_schema(sub, spec, _depth + 1) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "additionalItems"):
            if isinstance(value, list):
                out[key] = [to_json_schema(sub, spec, _depth + 1) for sub in value]
            else:
                out[key] = to_json_schema(value, spec, _depth + 1)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [to_json_schema(sub, spec, _depth + 1) for sub in value]
        else:
            out[key] = copy.deepcopy(value)
    if schema.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            if "null" not in types:
                out["type"] = types + ["null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()  # a copy of every format jsonschema knows here (uuid, email, ...)

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:  # rfc3339-validator is not a Debian dependency; do it here
        if not isinstance(value, str):
            return True
        if not _TIMESTAMP.match(value):
            return False
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    return checker


_FORMATS = _format_checker()


def validate(instance: Any, openapi_schema: Any, spec: dict | None = None) -> None:
    """Validates `instance` against an OpenAPI schema; raises jsonschema.ValidationError
    (the most relevant error; explain() renders all of them)."""
    schema = to_json_schema(openapi_schema, spec)
    validator = jsonschema.Draft4Validator(schema, format_checker=_FORMATS)
    errors = list(validator.iter_errors(instance))
    if errors:
        best = jsonschema.exceptions.best_match(iter(errors))
        best.all_errors = errors  # type: ignore[attr-defined]
        raise best


def explain(error: jsonschema.ValidationError, limit: int = 6) -> str:
    """Every violation under `error` (including those inside oneOf/anyOf branches), one a line."""
    lines: list[str] = []

    def walk(errs: list, depth: int) -> None:
        for e in sorted(errs, key=lambda e: (len(e.context), list(e.absolute_path).__repr__())):
            if len(lines) >= limit:
                return
            at = "/".join(str(p) for p in e.absolute_path) or "(root)"
            lines.append(f"{'  ' * depth}- at {at}: {e.message if len(e.message) < 300 else e.message[:300] + '...'}")
            if e.context:
                walk(e.context, depth + 1)

    walk(getattr(error, "all_errors", [error]), 0)
    return "\n    ".join(lines)


# --------------------------------------------------------------------------- lookup
def match_path(path: str, spec: dict | None = None) -> str | None:
    """The contract's path template for `path` (a template itself, or a concrete path; a
    query string is ignored), or None when the contract has no such path."""
    spec = load() if spec is None else spec
    path = path.split("?", 1)[0].split("#", 1)[0]
    paths = spec.get("paths", {})
    if path in paths:
        return path
    for template in paths:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def documented_responses(path: str, method: str, spec: dict | None = None) -> tuple[dict, str]:
    """(responses by status, what they were taken from) for a request. Falls back to the
    contract's `x-fallback-responses` for an unknown path, a missing method or OPTIONS;
    HEAD uses GET's responses."""
    spec = load() if spec is None else spec
    method = method.lower()
    fallback = spec.get("x-fallback-responses", {})
    template = match_path(path, spec)
    if template is None:
        return fallback.get("unknownPath", {}), "unknown path"
    item = spec["paths"][template]
    if method in item:
        return item[method].get("responses", {}), f"{method.upper()} {template}"
    if method == "head" and "get" in item:
        return item["get"].get("responses", {}), f"GET {template} (for HEAD)"
    if method == "options" and "options" in fallback:
        return fallback["options"], f"OPTIONS {template} (preflight)"
    return fallback.get("unknownMethod", {}), f"{template} has no {method.upper()}"


def find_response(responses: dict, status: int) -> tuple[str | None, Any]:
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            return key, responses[key]
    return None, None


def response_schema(path: str, method: str, status: int, spec: dict | None = None) -> Any:
    """The JSON Schema (converted) of the application/json body documented for that
    status, or None when none is documented (no body, or status undocumented)."""
    spec = load() if spec is None else spec
    responses, _ = documented_responses(path, method, spec)
    _, resp = find_response(responses, status)
    if resp is None:
        return None
    media = _json_media(_deref(resp, spec))
    return None if media is None else to_json_schema(media.get("schema", {}), spec)


def _json_media(resp: dict) -> dict | None:
    for ctype, media in (resp.get("content") or {}).items():
        if _JSON_TYPE.match(ctype.split(";")[0].strip()):
            return media or {}
    return None


# --------------------------------------------------------------------------- check
class _Headers:
    """Case-insensitive view of a requests CaseInsensitiveDict or a plain dict."""

    def __init__(self, raw: Any):
        self._h = {str(k).lower(): v for k, v in dict(raw or {}).items()}

    def get(self, name: str) -> Any:
        return self._h.get(name.lower())


def _short(value: Any, limit: int = 600) -> str:
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _raw_body(response: Any) -> bytes | None:
    content = getattr(response, "content", None)
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    if isinstance(content, str):
        return content.encode()
    return None


def check(response: Any, path_template: str, method: str) -> Any:
    """Asserts that `response` (a requests.Response, or anything with status_code, headers,
    json() and optionally content) is what the contract documents for `method path_template`.

    - the status must be documented for the operation (exact code, then NXX, then default);
      an unknown path, a method the path lacks and OPTIONS use the contract's
      x-fallback-responses; HEAD uses GET's responses and must have no body;
    - every header the response documents as required must be present, and every documented
      header that is present must match its schema;
    - X-Request-Id must be present; an error body's requestId must equal it; 401
      INVALID_TOKEN/TOKEN_EXPIRED must carry WWW-Authenticate: Bearer...; X-Auth-Error (if
      any) must equal the body's error; a 405's Allow must list the path's methods;
    - a documented application/json body is parsed and validated against its schema (Draft 4,
      formats date-time and uuid checked); a response documented without a body must be empty.

    Returns the parsed JSON body (None when there is none). Raises AssertionError.
    """
    spec = load()
    method_u = method.upper()
    status = int(response.status_code)
    where = f"{method_u} {path_template} -> {status}"
    headers = _Headers(getattr(response, "headers", {}))
    raw = _raw_body(response)

    def fail(msg: str) -> None:
        body = raw.decode("utf-8", "replace") if raw is not None else "<unknown>"
        raise AssertionError(f"contract: {where}: {msg}\n  body: {_short(body)}")

    responses, source = documented_responses(path_template, method_u, spec)
    key, resp = find_response(responses, status)
    if resp is None:
        fail(f"status {status} is not documented for {source} "
             f"(documented: {', '.join(sorted(responses)) or 'none'})")
    resp = _deref(resp, spec)

    if not headers.get("X-Request-Id"):
        fail("missing X-Request-Id header")

    # documented headers
    for name, hdr in (resp.get("headers") or {}).items():
        hdr = _deref(hdr, spec)
        value = headers.get(name)
        if value is None:
            if hdr.get("required"):
                fail(f"missing required header {name}")
            continue
        if "schema" in hdr:
            try:
                validate(value, hdr["schema"], spec)
            except jsonschema.ValidationError as e:
                fail(f"header {name}: {value!r}: {e.message}")

    # body
    media = _json_media(resp)
    body: Any = None
    if method_u == "HEAD" or status in (204, 304):
        if raw:
            fail(f"a {'HEAD' if method_u == 'HEAD' else str(status)} response must have no body")
    elif media is not None:
        ctype = str(headers.get("Content-Type") or "")
        if not _JSON_TYPE.match(ctype.split(";")[0].strip()):
            fail(f"Content-Type is {ctype!r}, expected application/json")
        try:
            body = response.json()
        except ValueError as e:
            fail(f"body is not JSON: {e}")
        if "schema" in media:
            try:
                validate(body, media["schema"], spec)
            except jsonschema.ValidationError as e:
                fail(f"body does not match the documented schema (response {key} of {source}):\n    {explain(e)}")
    elif raw and not resp.get("content") and status != 302:
        fail("the contract documents no body for this response")

    # cross-field rules of section 1 / 5
    if isinstance(body, dict) and "error" in body:
        if body.get("requestId") != headers.get("X-Request-Id"):
            fail(f"requestId {body.get('requestId')!r} != X-Request-Id {headers.get('X-Request-Id')!r}")
        if status == 401 and body["error"] in ("INVALID_TOKEN", "TOKEN_EXPIRED"):
            www = str(headers.get("WWW-Authenticate") or "")
            if not re.match(r"^Bearer( |$)", www):
                fail(f"401 {body['error']} without WWW-Authenticate: Bearer (got {www!r})")
        auth_error = headers.get("X-Auth-Error")
        if auth_error is not None and auth_error != body["error"]:
            fail(f"X-Auth-Error {auth_error!r} != body error {body['error']!r}")
    if status == 405:
        template = match_path(path_template, spec)
        if template is not None:
            allow = {m.strip().upper() for m in str(headers.get("Allow") or "").split(",") if m.strip()}
            want = {m.upper() for m in spec["paths"][template] if m in _HTTP_METHODS}
            if not want <= allow:
                fail(f"Allow {headers.get('Allow')!r} lacks {sorted(want - allow)}")
            if method_u in allow:
                fail(f"405 but Allow lists {method_u}")
    return body
