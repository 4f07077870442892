"""Sessions and profile endpoints (contract sections 3 and 4)."""
import uuid

import contract
from conftest import PASSWORD, assert_error, bearer, login, url, verified_user


def test_sessions_list_and_delete(stack, http):
    address = verified_user(stack, http)
    a = login(http, address)
    b = login(http, address, rememberMe=True)
    r = http.get(url("/auth/sessions"), headers=bearer(a["accessToken"]))
    body = contract.check(r, "/auth/sessions", "get")
    assert len(body["sessions"]) == 2
    current = [s for s in body["sessions"] if s["current"]]
    assert len(current) == 1
    other = next(s for s in body["sessions"] if not s["current"])
    assert other["ip"] == http.get_adapter(url("/")).ip
    r = http.delete(url("/auth/sessions/" + other["sessionId"]), headers=bearer(a["accessToken"]))
    assert r.status_code == 204
    contract.check(r, "/auth/sessions/{sessionId}", "delete")
    assert http.get(url("/users/profile"), headers=bearer(b["accessToken"])).status_code == 401
    r = http.delete(url("/auth/sessions/" + other["sessionId"]), headers=bearer(a["accessToken"]))
    assert_error(r, 404, "NOT_FOUND")
    assert_error(http.delete(url("/auth/sessions/not-a-uuid"), headers=bearer(a["accessToken"])),
                 404, "NOT_FOUND")
    assert_error(http.delete(url(f"/auth/sessions/{uuid.uuid4()}"),
                             headers=bearer(a["accessToken"])), 404, "NOT_FOUND")


def test_cannot_delete_another_users_session(stack, http):
    mine = login(http, verified_user(stack, http))
    theirs = login(http, verified_user(stack, http))
    sid = http.get(url("/auth/sessions"), headers=bearer(theirs["accessToken"])
                   ).json()["sessions"][0]["sessionId"]
    assert_error(http.delete(url("/auth/sessions/" + sid), headers=bearer(mine["accessToken"])),
                 404, "NOT_FOUND")
    assert http.get(url("/users/profile"), headers=bearer(theirs["accessToken"])
                    ).status_code == 200


def test_profile_get_put(stack, http):
    address = verified_user(stack, http)
    t = login(http, address)
    r = http.get(url("/users/profile"), headers=bearer(t["accessToken"]))
    user = contract.check(r, "/users/profile", "get")
    assert user["email"] == address
    r = http.put(url("/users/profile"), headers=bearer(t["accessToken"]), json={"firstName": "Augusta"})
    updated = contract.check(r, "/users/profile", "put")
    assert updated["firstName"] == "Augusta" and updated["lastName"] == "Lovelace"
    r = http.put(url("/users/profile"), headers=bearer(t["accessToken"]))
    assert r.status_code == 200 and r.json()["firstName"] == "Augusta"
    assert r.json()["updatedAt"] == updated["updatedAt"]
    body = assert_error(http.put(url("/users/profile"), headers=bearer(t["accessToken"]),
                                 json={"lastName": "<script>"}), 400, "VALIDATION_ERROR")
    assert "lastName" in body["fields"]


def test_profile_delete(stack, http):
    address = verified_user(stack, http)
    t = login(http, address)
    user_id = t["user"]["userId"]
    r = http.delete(url("/users/profile"), headers=bearer(t["accessToken"]),
                    json={"password": "Wr0ng-Password!"})
    assert_error(r, 401, "INVALID_CREDENTIALS")
    r = http.delete(url("/users/profile"), headers=bearer(t["accessToken"]),
                    json={"password": PASSWORD})
    assert r.status_code == 204
    assert_error(http.get(url("/users/profile"), headers=bearer(t["accessToken"])), 401,
                 "INVALID_TOKEN")
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 401, "INVALID_CREDENTIALS")
    # The audit trail outlives the account.
    rows = stack.psql(f"SELECT event FROM audit_events WHERE user_id = '{user_id}' ORDER BY id")
    events = [r[0] for r in rows]
    assert "register" in events and "login" in events and "account_deleted" in events
    assert stack.psql(f"SELECT count(*) FROM users WHERE id = '{user_id}'") == [["0"]]


def test_audit_rows_have_origin(stack, http):
    address = verified_user(stack, http)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD},
                  headers={"User-Agent": "audit-test/1.0"})
    rid = r.headers["X-Request-Id"]
    rows = stack.psql("SELECT event, host(ip), user_agent FROM audit_events"
                      f" WHERE request_id = '{rid}'")
    assert rows == [["login", http.get_adapter(url("/")).ip, "audit-test/1.0"]]
