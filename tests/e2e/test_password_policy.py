"""GET /auth/password-policy (an extension): the active [passwords] rules,
the ones registration then applies, so a page built on it and the server
never disagree, including after a reload that changes them."""
import contract
from conftest import assert_error, new_email, url


def policy(http):
    return contract.check(http.get(url("/auth/password-policy")), "/auth/password-policy", "get")


def register(http, password):
    return http.post(url("/auth/register"), json={
        "email": new_email("policy"), "password": password, "firstName": "Ada",
        "lastName": "Lovelace"})


def test_the_policy_is_the_configured_one(stack, http):
    assert policy(http) == {
        "minLength": 8, "maxLength": 128, "requireUppercase": True, "requireLowercase": True,
        "requireDigit": True, "requireSymbol": True, "forbidPersonalInfo": True,
        "bannedList": False}  # the test profile names no banned_file
    assert "banned_file" not in stack.config_path.read_text()


def test_a_reload_changes_what_the_page_and_registration_both_see(stack, http):
    old = stack.reconfigure(passwords__min_length=12, passwords__require_symbol="false")
    try:
        shown = policy(http)
        assert shown["minLength"] == 12 and shown["requireSymbol"] is False
        r = register(http, "Abcdefgh123")  # 11 characters, no symbol
        assert_error(r, 400, "VALIDATION_ERROR")
        assert r.json()["fields"]["password"] == "must be at least 12 characters"
        assert register(http, "Abcdefgh1234").status_code == 201
    finally:
        stack.reload_with(old)
    assert policy(http)["minLength"] == 8
