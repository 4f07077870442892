"""Contract section 1 as nginx and authd answer it: error shapes, status
codes, and the headers every response carries."""
import json
import socket
import urllib.parse

import pytest

from conftest import assert_common_headers, assert_error, url


def test_unknown_path_is_json_404(http):
    assert_error(http.get(url("/no/such/thing")), 404, "NOT_FOUND")
    assert_error(http.post(url("/no/such/thing"), json={}), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow(http):
    r = http.delete(url("/health"))
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    allow = [m.strip() for m in r.headers["Allow"].split(",")]
    assert "GET" in allow and "HEAD" in allow


def test_head_is_get_without_body(http):
    get = http.get(url("/health"))
    head = http.head(url("/health"))
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert_common_headers(head)


def test_request_ids_differ_and_match_body(http):
    a = http.get(url("/nope"))
    b = http.get(url("/nope"))
    assert a.headers["X-Request-Id"] != b.headers["X-Request-Id"]
    assert a.json()["requestId"] == a.headers["X-Request-Id"]


def test_nginx_413_is_json_with_headers(http):
    r = http.post(url("/health"), data=b"x" * 65537, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")


def test_64k_body_passes_nginx(http):
    # Exactly the limit: nginx hands it to authd, which answers for the path.
    r = http.post(url("/health"), data=b"x" * 65536, headers={"Content-Type": "application/json"})
    assert_error(r, 405, "METHOD_NOT_ALLOWED")


def _raw(request_bytes):
    """Sends bytes nginx cannot take as a request; returns (status, headers, body)."""
    host, port = urllib.parse.urlsplit(url("/")).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request_bytes)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in lines[1:] if ":" in line)}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("request_bytes", [
    b"GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"get /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET /health?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\nConnection: close\r\n\r\n",
    b"POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
    b"Content-Type: application/json\r\nConnection: close\r\n\r\n",
], ids=["bad-escape", "lowercase-method", "garbage", "long-uri", "huge-header", "transfer-encoding"])
def test_requests_nginx_refuses_get_the_json_400(request_bytes):
    # Refused while nginx reads the request line or headers: still the
    # contract's shape, a status and code from its list, and the headers.
    status, headers, body = _raw(request_bytes)
    assert status == 400, (status, body[:200])
    assert headers["content-type"].startswith("application/json")
    parsed = json.loads(body)
    assert parsed["error"] == "VALIDATION_ERROR" and parsed["fields"]
    assert parsed["requestId"] == headers["x-request-id"]
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"


def test_trace_is_answered_like_any_other_method(http):
    # nginx refuses TRACE itself; the answer is still authd's: 405 with
    # Allow on a known path, 404 on an unknown one.
    r = http.request("TRACE", url("/health"))
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert [m.strip() for m in r.headers["Allow"].split(",")] == ["GET", "HEAD"]
    assert_error(http.request("TRACE", url("/no/such/thing")), 404, "NOT_FOUND")


def test_internal_locations_are_404_from_outside(http):
    for path in ("/_authd/validate", "/_authd/validate-mfa", "/_authd/error/internal"):
        assert_error(http.get(url(path)), 404, "NOT_FOUND")


def test_success_carries_security_headers(http):
    assert_common_headers(http.get(url("/health")))


def test_backend_down_is_json_503(stack, http):
    # authd stopped: nginx cannot reach the socket, and its 502 becomes the
    # contract's JSON 503.
    stack.dev("authd-stop")
    try:
        assert_error(http.get(url("/health")), 503, "SERVICE_UNAVAILABLE")
    finally:
        stack.dev("authd-start")
    assert http.get(url("/health")).status_code == 200


def _post_raw(http, body, content_type="application/json"):
    headers = {"Content-Type": content_type} if content_type else {}
    return http.post(url("/auth/register"), data=body, headers=headers)


def test_invalid_json_bodies(http):
    for body in [b"{", b"[]", b'"x"', b"{}{}", b'{"email": "a\\u0000b"}',
                 b'{"email": "a", "email": "b"}', b'{"a": {"b": 1, "b": 2}}',
                 b'{"email": "\xff"}', b"{'a': 1}", b"\x00{}"]:
        assert_error(_post_raw(http, body), 400, "INVALID_JSON")


def test_body_of_exactly_64k_is_accepted(http):
    prefix, suffix = b'{"pad":"', b'"}'
    body = prefix + b"a" * (65536 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 65536
    # Accepted: it is read and validated (missing fields), not refused for size.
    err = assert_error(_post_raw(http, body), 400, "VALIDATION_ERROR")
    assert "email" in err["fields"]
    assert_error(_post_raw(http, b"{" + b" " * 65534 + b"}"), 400, "VALIDATION_ERROR")
    assert_error(_post_raw(http, b"{" + b" " * 65536 + b"}"), 413, "PAYLOAD_TOO_LARGE")


def test_wrong_content_type_is_415(http):
    assert_error(_post_raw(http, b"{}", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(_post_raw(http, b"email=a", "application/x-www-form-urlencoded"), 415,
                 "UNSUPPORTED_MEDIA_TYPE")
    assert_error(_post_raw(http, b"{}", None), 415, "UNSUPPORTED_MEDIA_TYPE")


def test_json_content_type_variants_accepted(http):
    for ct in ["application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.x+json"]:
        assert_error(_post_raw(http, b"{}", ct), 400, "VALIDATION_ERROR")


def test_empty_post_needs_no_content_type(http):
    r = http.post(url("/auth/register"))
    body = assert_error(r, 400, "VALIDATION_ERROR")
    assert "email" in body["fields"]
