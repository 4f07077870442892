"""The Cognito-compatible API (README, "Moving from Cognito"): Debian's boto3
with endpoint_url at nginx, as an app written for Cognito calls it, and the
REST API on the same users: one set of rules behind both doors.
"""
import base64
import hashlib
import hmac
import subprocess
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions
import jwt
import pytest
import requests

import contract
from conftest import (PASSWORD, URL, bearer, code_in, login, new_email, refused_within, url,
                      verified_user, wait_until)

POOL = "local_authd"
CLIENT = "authddevclient"
JWKS = f"{URL}/{POOL}/.well-known/jwks.json"


def client():
    # Dummy region and credentials: the public operations are unsigned.
    return boto3.client(
        "cognito-idp", endpoint_url=URL, region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="dummy",
        config=botocore.config.Config(retries={"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def idp():
    return client()


def attrs(first="Ada", last="Lovelace"):
    return [{"Name": "given_name", "Value": first}, {"Name": "family_name", "Value": last}]


def signed_up(stack, idp, password=PASSWORD):
    """Signs up and confirms through the Cognito door; returns (email, sub)."""
    address = new_email("cog")
    r = idp.sign_up(ClientId=CLIENT, Username=address, Password=password, UserAttributes=attrs())
    assert r["UserConfirmed"] is False
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    idp.confirm_sign_up(ClientId=CLIENT, Username=address, ConfirmationCode=code)
    return address, r["UserSub"]


def password_auth(idp, address, password=PASSWORD):
    return idp.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": address, "PASSWORD": password})


def tokens(idp, address, password=PASSWORD):
    return password_auth(idp, address, password)["AuthenticationResult"]


def decode(token, **kw):
    key = jwt.PyJWKClient(JWKS).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["ES256", "EdDSA", "RS256", "PS256"], **kw)


def raw(target, body=b"{}", content_type="application/x-amz-json-1.1"):
    headers = {"Content-Type": content_type}
    if target:
        headers["X-Amz-Target"] = target
    return requests.post(url("/"), data=body, headers=headers)


def test_sign_up_confirm_sign_in_get_user_and_the_tokens_verify_as_cognito_ones(stack, idp, http):
    address, sub = signed_up(stack, idp)
    result = password_auth(idp, address)
    auth = result["AuthenticationResult"]
    assert auth["TokenType"] == "Bearer" and auth["ExpiresIn"] == 900 and auth["RefreshToken"]

    user = idp.get_user(AccessToken=auth["AccessToken"])
    assert user["Username"] == sub
    got = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert got["sub"] == sub and got["email"] == address and got["email_verified"] == "true"
    assert got["given_name"] == "Ada" and got["family_name"] == "Lovelace"

    # As a Cognito user verifies them: the pool's JWKS, the id token's
    # audience is the app client, the access token names it in client_id.
    # The issuer is the pool's URL, as Cognito's: <endpoint>/<pool id>.
    claims = decode(auth["IdToken"], audience=CLIENT, issuer=f"{URL}/{POOL}")
    assert claims["token_use"] == "id" and claims["sub"] == sub
    assert claims["cognito:username"] == sub and claims["email"] == address
    for name in ("origin_jti", "event_id", "auth_time"):
        assert claims[name]
    access = decode(auth["AccessToken"], issuer=f"{URL}/{POOL}", options={"verify_aud": False})
    assert access["token_use"] == "access" and access["client_id"] == CLIENT
    assert access["username"] == sub and access["sub"] == sub
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["origin_jti"] == claims["origin_jti"]
    for name in ("event_id", "auth_time", "jti", "exp", "iat"):
        assert access[name]

    # The same token at the REST API and the validator; the same user id.
    r = http.get(url("/users/profile"), headers=bearer(auth["AccessToken"]))
    assert r.status_code == 200 and r.json()["userId"] == sub
    assert http.get(url("/auth/validate"), headers=bearer(auth["AccessToken"])).status_code == 204
    # A user id works as the Username too (Cognito's username in such a pool);
    # an unknown one is an unknown user.
    assert password_auth(idp, sub)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as unknown:
        password_auth(idp, str(uuid.uuid4()))
    assert unknown.value.response["Error"]["Message"] == "Incorrect username or password."
    assert idp.forgot_password(ClientId=CLIENT, Username=str(uuid.uuid4()))["CodeDeliveryDetails"]


def test_the_jwks_is_served_under_the_pool_id_too(http):
    pooled = http.get(url(f"/{POOL}/.well-known/jwks.json"))
    assert pooled.status_code == 200
    assert pooled.json() == http.get(url("/.well-known/jwks.json")).json()
    assert http.get(url("/eu-west-1_other/.well-known/jwks.json")).status_code == 404


def test_the_pools_discovery_document_names_the_pool_as_issuer(http):
    r = http.get(url(f"/{POOL}/.well-known/openid-configuration"))
    body = contract.check(r, "/{poolId}/.well-known/openid-configuration", "get")
    assert body["issuer"] == f"{URL}/{POOL}"
    assert body["jwks_uri"] == f"{URL}/{POOL}/.well-known/jwks.json"
    assert http.get(body["jwks_uri"]).json()["keys"]
    assert http.get(url("/eu-west-1_other/.well-known/openid-configuration")).status_code == 404
    # authd's own document is unchanged.
    assert http.get(url("/.well-known/openid-configuration")).json()["issuer"] == URL


def test_unknown_and_missing_operations_answer_as_aws_does(http):
    r = raw("AWSCognitoIdentityProviderService.CreateUserPool")
    assert r.status_code == 400 and r.json() == {"__type": "UnknownOperationException"}
    assert r.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert raw(None).json()["__type"] == "UnknownOperationException"
    assert raw("DynamoDB_20120810.ListTables").json()["__type"] == "UnknownOperationException"
    r = raw("AWSCognitoIdentityProviderService.GetUser", b"[1]")
    assert r.status_code == 400 and r.json()["__type"] == "SerializationException"
    # GET / is still the portal's redirect.
    r = http.get(url("/"), allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == "/account"


def test_each_error_is_the_exception_class_boto3_maps_it_to(stack, idp):
    ex = idp.exceptions
    address, _ = signed_up(stack, idp)
    with pytest.raises(ex.UsernameExistsException):
        idp.sign_up(ClientId=CLIENT, Username=address, Password=PASSWORD, UserAttributes=attrs())
    with pytest.raises(ex.InvalidPasswordException):
        idp.sign_up(ClientId=CLIENT, Username=new_email(), Password="short", UserAttributes=attrs())
    with pytest.raises(ex.InvalidParameterException):
        idp.sign_up(ClientId=CLIENT, Username=new_email(), Password=PASSWORD)
    with pytest.raises(ex.ResourceNotFoundException):
        idp.sign_up(ClientId="another", Username=new_email(), Password=PASSWORD,
                    UserAttributes=attrs())
    with pytest.raises(ex.NotAuthorizedException) as wrong:
        password_auth(idp, address, "Wr0ng-Password!")
    # An unknown user is answered like a wrong password.
    with pytest.raises(ex.NotAuthorizedException) as unknown:
        password_auth(idp, new_email(), "Wr0ng-Password!")
    assert (wrong.value.response["Error"]["Message"] ==
            unknown.value.response["Error"]["Message"] == "Incorrect username or password.")
    with pytest.raises(ex.NotAuthorizedException):
        idp.get_user(AccessToken="not-a-token")

    pending = new_email()
    idp.sign_up(ClientId=CLIENT, Username=pending, Password=PASSWORD, UserAttributes=attrs())
    with pytest.raises(ex.UserNotConfirmedException):
        password_auth(idp, pending)
    code = code_in(stack.wait_for_mail(pending, "verify_email"))
    wrong_code = "000000" if code != "000000" else "111111"
    with pytest.raises(ex.CodeMismatchException):
        idp.confirm_sign_up(ClientId=CLIENT, Username=pending, ConfirmationCode=wrong_code)
    # Burnt by five wrong tries: the right code is expired too.
    for _ in range(4):
        with pytest.raises(ex.CodeMismatchException):
            idp.confirm_sign_up(ClientId=CLIENT, Username=pending, ConfirmationCode=wrong_code)
    with pytest.raises(ex.ExpiredCodeException):
        idp.confirm_sign_up(ClientId=CLIENT, Username=pending, ConfirmationCode=code)

    # Three reset mails per email per hour, then LimitExceededException.
    for _ in range(3):
        idp.forgot_password(ClientId=CLIENT, Username=address)
    with pytest.raises(ex.LimitExceededException):
        idp.forgot_password(ClientId=CLIENT, Username=address)


def test_too_many_requests_is_the_rest_login_limit(stack, idp):
    old = stack.reconfigure(limits__login_per_ip="3")
    try:
        seen = []
        for _ in range(6):
            try:
                password_auth(idp, new_email(), "Wr0ng-Password!")
            except idp.exceptions.NotAuthorizedException:
                seen.append("no")
            except idp.exceptions.TooManyRequestsException:
                seen.append("limited")
        assert "limited" in seen
    finally:
        stack.reload_with(old)


def test_refresh_then_global_sign_out_kills_the_old_tokens_everywhere(stack, idp, http):
    address, sub = signed_up(stack, idp)
    first = tokens(idp, address)
    refreshed = idp.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    auth = refreshed["AuthenticationResult"]
    assert auth["RefreshToken"] and auth["RefreshToken"] != first["RefreshToken"]
    assert decode(auth["IdToken"], audience=CLIENT)["sub"] == sub
    other = tokens(idp, address)  # another device

    idp.global_sign_out(AccessToken=auth["AccessToken"])
    for token in (auth["AccessToken"], first["AccessToken"], other["AccessToken"]):
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_user(AccessToken=token)
        assert http.get(url("/users/profile"), headers=bearer(token)).status_code == 401
        assert refused_within(
            lambda t=token: http.get(url("/auth/validate"), headers=bearer(t)).status_code)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN",
                          AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"]})


def test_revoke_token_ends_the_session_of_its_refresh_token(stack, idp, http):
    address, _ = signed_up(stack, idp)
    one = tokens(idp, address)
    two = tokens(idp, address)
    idp.revoke_token(ClientId=CLIENT, Token=one["RefreshToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=one["AccessToken"])
    assert idp.get_user(AccessToken=two["AccessToken"])["Username"]
    # An unknown token is revoked quietly.
    idp.revoke_token(ClientId=CLIENT, Token="nothing-of-ours")


def test_forgot_and_confirm_forgot_password_set_a_new_one(stack, idp):
    address, _ = signed_up(stack, idp)
    r = idp.forgot_password(ClientId=CLIENT, Username=address)
    details = r["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL" and details["AttributeName"] == "email"
    assert details["Destination"].startswith(address[0] + "***@")
    # The same answer for an account that does not exist.
    assert idp.forgot_password(ClientId=CLIENT, Username=new_email())["CodeDeliveryDetails"]
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.confirm_forgot_password(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                                    Password="weak")
    idp.confirm_forgot_password(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                                Password="N3w-Passw0rd!!")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        password_auth(idp, address)
    assert tokens(idp, address, "N3w-Passw0rd!!")["AccessToken"]


def test_change_password_update_attributes_and_delete_user(stack, idp, http):
    address, sub = signed_up(stack, idp)
    auth = tokens(idp, address)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.change_password(AccessToken=auth["AccessToken"], PreviousPassword="Wr0ng-Password!",
                            ProposedPassword="N3w-Passw0rd!!")
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.change_password(AccessToken=auth["AccessToken"], PreviousPassword=PASSWORD,
                            ProposedPassword="weak")
    idp.change_password(AccessToken=auth["AccessToken"], PreviousPassword=PASSWORD,
                        ProposedPassword="N3w-Passw0rd!!")
    stack.wait_for_mail(address, "password_changed")

    idp.update_user_attributes(AccessToken=auth["AccessToken"],
                               UserAttributes=[{"Name": "given_name", "Value": "Grace"}])
    assert http.get(url("/users/profile"), headers=bearer(auth["AccessToken"])).json()[
        "firstName"] == "Grace"
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.update_user_attributes(AccessToken=auth["AccessToken"],
                                   UserAttributes=[{"Name": "email", "Value": new_email()}])

    idp.delete_user(AccessToken=auth["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        password_auth(idp, address, "N3w-Passw0rd!!")
    assert stack.psql(f"SELECT count(*) FROM users WHERE id = '{sub}'") == [["0"]]
    events = [e for (e,) in stack.psql(
        f"SELECT event FROM audit_events WHERE user_id = '{sub}' ORDER BY id")]
    assert "account_deleted" in events and "password_changed" in events


def test_rest_and_cognito_share_the_lockout_sessions_and_audit(stack, idp, http):
    address = verified_user(stack, http)
    wrong = "Wr0ng-Password!"
    for door in ("rest", "cognito", "rest", "cognito"):
        if door == "rest":
            assert http.post(url("/auth/login"),
                             json={"email": address, "password": wrong}).status_code == 401
        else:
            with pytest.raises(idp.exceptions.NotAuthorizedException):
                password_auth(idp, address, wrong)
    # The fifth failure, through either door, locks the account for both.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as fifth:
        password_auth(idp, address, wrong)
    assert fifth.value.response["Error"]["Message"] == "Incorrect username or password."
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert r.status_code == 429 and r.json()["error"] == "ACCOUNT_LOCKED"
    with pytest.raises(idp.exceptions.NotAuthorizedException) as locked:
        password_auth(idp, address)
    assert locked.value.response["Error"]["Message"] == "Password attempts exceeded"

    # The test profile locks for 3 s.
    assert wait_until(lambda: http.post(url("/auth/login"), json={
        "email": address, "password": PASSWORD}).status_code == 200, timeout=8)
    rest = login(http, address)
    auth = tokens(idp, address)
    sessions = http.get(url("/auth/sessions"), headers=bearer(rest["accessToken"])).json()
    sid = decode(auth["AccessToken"], options={"verify_aud": False})["sid"]
    assert sid in [s["sessionId"] for s in sessions["sessions"]]
    uid = rest["user"]["userId"]
    events = [e for (e,) in stack.psql(
        f"SELECT event FROM audit_events WHERE user_id = '{uid}' ORDER BY id")]
    assert events.count("login_failed") >= 5 and events.count("account_locked") == 1
    assert events.count("login") >= 3


def test_a_client_secret_requires_the_secret_hash(stack):
    secret = "s3cr3t-of-the-app-client"
    old = stack.reconfigure(cognito__client_secret=secret)
    try:
        idp = client()
        address = new_email()

        def secret_hash(username):
            digest = hmac.new(secret.encode(), (username + CLIENT).encode(), hashlib.sha256)
            return base64.b64encode(digest.digest()).decode()

        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.sign_up(ClientId=CLIENT, Username=address, Password=PASSWORD,
                        UserAttributes=attrs())
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.sign_up(ClientId=CLIENT, Username=address, Password=PASSWORD,
                        UserAttributes=attrs(), SecretHash=secret_hash("someone-else"))
        idp.sign_up(ClientId=CLIENT, Username=address, Password=PASSWORD,
                    UserAttributes=attrs(), SecretHash=secret_hash(address))
        code = code_in(stack.wait_for_mail(address, "verify_email"))
        idp.confirm_sign_up(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                            SecretHash=secret_hash(address))
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            password_auth(idp, address)
        r = idp.initiate_auth(ClientId=CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": address, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(address)})
        assert r["AuthenticationResult"]["AccessToken"]
    finally:
        stack.reload_with(old)


def totp(secret, step_offset=0):
    """The code for the step `step_offset` steps from now, by oathtool."""
    when = time.gmtime((int(time.time()) // 30 + step_offset) * 30 + 1)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", when)
    return subprocess.run(["oathtool", "--totp", "-b", "--now", stamp, secret], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_the_whole_journey_with_a_software_token(stack, idp, http):
    """The issue's journey: sign up, confirm, sign in, get user, a software
    token associated and verified, the MFA preference, the challenge and
    its answer, a refresh, global sign-out, then forgot/confirm password."""
    address, sub = signed_up(stack, idp)
    first = tokens(idp, address)
    assert idp.get_user(AccessToken=first["AccessToken"])["Username"] == sub

    secret = idp.associate_software_token(AccessToken=first["AccessToken"])["SecretCode"]
    with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
        idp.verify_software_token(AccessToken=first["AccessToken"], UserCode="000000"
                                  if totp(secret) != "000000" else "111111")
    r = idp.verify_software_token(AccessToken=first["AccessToken"], UserCode=totp(secret),
                                  FriendlyDeviceName="phone")
    assert r["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(AccessToken=first["AccessToken"],
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    user = idp.get_user(AccessToken=first["AccessToken"])
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    # The REST API sees the same 2FA.
    assert http.get(url("/users/profile"),
                    headers=bearer(first["AccessToken"])).json()["mfaEnabled"] is True

    challenge = password_auth(idp, address)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and challenge["Session"]
    assert "AuthenticationResult" not in challenge
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.respond_to_auth_challenge(
            ClientId=CLIENT, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": address, "SOFTWARE_TOKEN_MFA_CODE": "12345x"[:5] + "0"})
    answered = idp.respond_to_auth_challenge(
        ClientId=CLIENT, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": address, "SOFTWARE_TOKEN_MFA_CODE": totp(secret, 1)})
    auth = answered["AuthenticationResult"]
    assert decode(auth["AccessToken"], options={"verify_aud": False})["amr"] == ["pwd", "otp"]
    # A used challenge is dead.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(
            ClientId=CLIENT, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": address, "SOFTWARE_TOKEN_MFA_CODE": totp(secret)})
    # /demo-mfa/ (AUTHD_REQUIRE_MFA) takes it.
    assert http.get(url("/demo-mfa/"), headers=bearer(auth["AccessToken"])).status_code == 200

    refreshed = idp.initiate_auth(ClientId=CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"]})
    fresh = refreshed["AuthenticationResult"]
    idp.global_sign_out(AccessToken=fresh["AccessToken"])
    for token in (fresh["AccessToken"], auth["AccessToken"]):
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_user(AccessToken=token)
        assert http.get(url("/users/profile"), headers=bearer(token)).status_code == 401
        assert refused_within(
            lambda t=token: http.get(url("/auth/validate"), headers=bearer(t)).status_code)

    idp.forgot_password(ClientId=CLIENT, Username=address)
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    idp.confirm_forgot_password(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                                Password="N3w-Passw0rd!!")
    # The new password, still with its second factor.
    assert password_auth(idp, address, "N3w-Passw0rd!!")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_associating_a_software_token_needs_a_recent_sign_in(stack, idp):
    address, _ = signed_up(stack, idp)
    auth = tokens(idp, address)
    # [mfa] challenge_ttl is 300 s: a sign-in an hour old is not recent.
    stack.psql("UPDATE sessions SET auth_time = now() - interval '1 hour' WHERE user_id = "
               f"(SELECT id FROM users WHERE email = '{address}')")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.associate_software_token(AccessToken=auth["AccessToken"])


ADMIN_KEY, ADMIN_SECRET = "AKIDAUTHDDEV", "authd-dev-admin-secret"


def admin_client(key=ADMIN_KEY, secret=ADMIN_SECRET):
    return boto3.client(
        "cognito-idp", endpoint_url=URL, region_name="eu-west-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def admin():
    return admin_client()


def signed(target, body, timestamp=None, secret=ADMIN_SECRET):
    """A request signed by botocore's SigV4 signer, dated `timestamp`
    (default now), as (headers, data) for requests."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    request = botocore.awsrequest.AWSRequest(
        method="POST", url=url("/"), data=body.encode(),
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "AWSCognitoIdentityProviderService." + target})
    signer = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(ADMIN_KEY, secret), "cognito-idp", "eu-west-1")
    stamp = timestamp or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    request.context["timestamp"] = stamp
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signer._inject_signature_to_request(
        request, signer.signature(signer.string_to_sign(request, canonical), request))
    return dict(request.headers), request.body


def test_admin_operations_refuse_a_wrong_secret_an_unknown_key_and_no_signature(stack):
    for client_, code in ((admin_client(secret="wrong"), "InvalidSignatureException"),
                          (admin_client(key="AKIDUNKNOWN"), "UnrecognizedClientException")):
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            client_.list_users(UserPoolId=POOL)
        assert refused.value.response["Error"]["Code"] == code
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    r = raw("AWSCognitoIdentityProviderService.ListUsers", b'{"UserPoolId": "local_authd"}')
    assert r.status_code == 400 and r.json()["__type"] == "MissingAuthenticationTokenException"


def test_a_stale_date_and_a_replayed_signature_are_refused(stack):
    body = '{"UserPoolId": "local_authd", "Limit": 1}'
    stale = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 600))
    headers, data = signed("ListUsers", body, timestamp=stale)
    r = requests.post(url("/"), data=data, headers=headers)
    assert r.status_code == 400 and r.json()["__type"] == "InvalidSignatureException"
    assert "expired" in r.json()["message"]

    headers, data = signed("ListUsers", body)
    first = requests.post(url("/"), data=data, headers=headers)
    assert first.status_code == 200, first.text
    again = requests.post(url("/"), data=data, headers=headers)
    assert again.status_code == 400 and again.json()["__type"] == "InvalidSignatureException"
    # Signed with another secret: refused however fresh.
    headers, data = signed("ListUsers", body, secret="not-the-secret")
    assert requests.post(url("/"), data=data, headers=headers).status_code == 400


def test_admin_create_get_confirm_and_delete(stack, idp, admin):
    ex = admin.exceptions
    address = new_email("adm")
    created = admin.admin_create_user(
        UserPoolId=POOL, Username=address,
        UserAttributes=attrs() + [{"Name": "email_verified", "Value": "true"}])["User"]
    sub = created["Username"]
    got = {a["Name"]: a["Value"] for a in created["Attributes"]}
    assert got["email"] == address and got["sub"] == sub and created["Enabled"] is True
    assert created["UserStatus"] == "CONFIRMED"
    # Without a temporary password, the reset code is mailed at once.
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    idp.confirm_forgot_password(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                                Password=PASSWORD)
    assert tokens(idp, address)["AccessToken"]
    with pytest.raises(ex.UsernameExistsException):
        admin.admin_create_user(UserPoolId=POOL, Username=address, UserAttributes=attrs())
    with pytest.raises(ex.ResourceNotFoundException):
        admin.admin_get_user(UserPoolId="eu-west-1_other", Username=address)

    user = admin.admin_get_user(UserPoolId=POOL, Username=address)
    assert user["Username"] == sub and user["UserStatus"] == "CONFIRMED"
    assert admin.admin_get_user(UserPoolId=POOL, Username=sub)["Username"] == sub
    assert user["UserCreateDate"].year >= 2024

    pending = new_email("adm")
    idp.sign_up(ClientId=CLIENT, Username=pending, Password=PASSWORD, UserAttributes=attrs())
    assert admin.admin_get_user(UserPoolId=POOL, Username=pending)["UserStatus"] == "UNCONFIRMED"
    admin.admin_confirm_sign_up(UserPoolId=POOL, Username=pending)
    assert tokens(idp, pending)["AccessToken"]

    admin.admin_delete_user(UserPoolId=POOL, Username=address)
    # A second on: the same request within the same second carries the
    # same signature, which the door refuses as a replay.
    time.sleep(1.1)
    with pytest.raises(ex.UserNotFoundException):
        admin.admin_get_user(UserPoolId=POOL, Username=address)
    with pytest.raises(ex.UserNotFoundException):
        admin.admin_delete_user(UserPoolId=POOL, Username=new_email())


def test_admin_disable_enable_sign_out_and_passwords(stack, idp, admin, http):
    address, sub = signed_up(stack, idp)
    auth = tokens(idp, address)
    admin.admin_disable_user(UserPoolId=POOL, Username=address)
    assert admin.admin_get_user(UserPoolId=POOL, Username=address)["Enabled"] is False
    with pytest.raises(idp.exceptions.NotAuthorizedException) as disabled:
        password_auth(idp, address)
    assert disabled.value.response["Error"]["Message"] == "User is disabled."
    assert refused_within(
        lambda: http.get(url("/auth/validate"), headers=bearer(auth["AccessToken"])).status_code)
    admin.admin_enable_user(UserPoolId=POOL, Username=address)
    auth = tokens(idp, address)

    admin.admin_user_global_sign_out(UserPoolId=POOL, Username=address)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=auth["AccessToken"])

    with pytest.raises(admin.exceptions.InvalidPasswordException):
        admin.admin_set_user_password(UserPoolId=POOL, Username=address, Password="weak",
                                      Permanent=True)
    admin.admin_set_user_password(UserPoolId=POOL, Username=address, Password="Adm1n-Set-Pass!",
                                  Permanent=True)
    assert tokens(idp, address, "Adm1n-Set-Pass!")["AccessToken"]

    admin.admin_reset_user_password(UserPoolId=POOL, Username=address)
    assert admin.admin_get_user(UserPoolId=POOL, Username=address)["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(idp.exceptions.PasswordResetRequiredException):
        password_auth(idp, address, "Adm1n-Set-Pass!")
    r = http.post(url("/auth/login"), json={"email": address, "password": "Adm1n-Set-Pass!"})
    assert r.status_code == 403 and r.json()["error"] == "PASSWORD_RESET_REQUIRED"
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    idp.confirm_forgot_password(ClientId=CLIENT, Username=address, ConfirmationCode=code,
                                Password="After-Reset-1!")
    assert tokens(idp, address, "After-Reset-1!")["AccessToken"]
    events = [e for (e,) in stack.psql(
        f"SELECT event FROM audit_events WHERE user_id = '{sub}' ORDER BY id")]
    for event in ("account_disabled", "account_enabled", "logout_all",
                  "password_set_by_operator", "password_reset_by_operator"):
        assert event in events, events


def test_list_users_filters_and_pages(stack, idp, admin):
    prefix = "page-" + uuid.uuid4().hex[:8]
    made = set()
    for i in range(5):
        address = f"{prefix}-{i}@example.com"
        made.add(admin.admin_create_user(UserPoolId=POOL, Username=address, MessageAction="SUPPRESS",
                                         UserAttributes=attrs())["User"]["Username"])
    seen, token, pages = set(), None, 0
    while True:
        kw = {"PaginationToken": token} if token else {}
        page = admin.list_users(UserPoolId=POOL, Filter=f'email ^= "{prefix}"', Limit=2, **kw)
        assert len(page["Users"]) <= 2
        seen |= {u["Username"] for u in page["Users"]}
        pages += 1
        token = page.get("PaginationToken")
        if not token:
            break
    assert seen == made and pages == 3
    one = admin.list_users(UserPoolId=POOL, Filter=f'email = "{prefix}-3@example.com"')["Users"]
    assert len(one) == 1 and one[0]["Username"] in made
    sub = one[0]["Username"]
    assert [u["Username"] for u in admin.list_users(
        UserPoolId=POOL, Filter=f'sub = "{sub}"')["Users"]] == [sub]
    with pytest.raises(admin.exceptions.InvalidParameterException):
        admin.list_users(UserPoolId=POOL, Filter="phone_number = \"+1\"")
    # The paginator boto3 ships walks the same pages.
    listed = set()
    for page in admin.get_paginator("list_users").paginate(
            UserPoolId=POOL, Filter=f'email ^= "{prefix}"', Limit=3):
        listed |= {u["Username"] for u in page["Users"]}
    assert listed == made


def test_the_same_admin_request_twice_in_one_second_is_a_replay(stack, admin):
    # boto3 signs no per-call nonce: an identical call in the same second
    # has the same signature.  Refused, and not retried by botocore.
    results = []
    for _ in range(2):
        try:
            admin.list_users(UserPoolId=POOL, Filter='email = "nobody-twice@example.com"')
            results.append("ok")
        except botocore.exceptions.ClientError as e:
            results.append(e.response["Error"]["Code"])
    assert results in (["ok", "InvalidSignatureException"], ["ok", "ok"])


def list_users_dump(count, prefix):
    """What `aws cognito-idp list-users` prints for a pool of `count` users
    (every 7th disabled, every 5th unverified, every 11th with MFA), plus
    three records that cannot be imported."""
    users = []
    for i in range(count):
        sub = str(uuid.uuid4())
        verified = i % 5 != 0
        record = {
            "Username": sub,
            "Attributes": [{"Name": "sub", "Value": sub},
                           {"Name": "email", "Value": f"{prefix}-{i}@Example.com"},
                           {"Name": "email_verified", "Value": "true" if verified else "false"},
                           {"Name": "given_name", "Value": "Imported"},
                           {"Name": "family_name", "Value": f"User{chr(65 + i % 26)}"}],
            "UserCreateDate": "2023-05-17T09:21:44.312000+00:00",
            "UserLastModifiedDate": "2024-01-02T03:04:05.000000+00:00",
            "Enabled": i % 7 != 3,
            "UserStatus": "CONFIRMED" if verified else "UNCONFIRMED",
        }
        if i % 11 == 0:
            record["MFAOptions"] = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
        users.append(record)
    users.append({"Username": "no-sub", "Attributes": [{"Name": "email", "Value": "x@example.com"}]})
    users.append({"Username": "bad-email", "Attributes": [
        {"Name": "sub", "Value": str(uuid.uuid4())}, {"Name": "email", "Value": "not an email"}]})
    users.append({"Username": "bad-date", "UserCreateDate": "the day before yesterday",
                  "Attributes": [{"Name": "sub", "Value": str(uuid.uuid4())},
                                 {"Name": "email", "Value": f"{prefix}-date@example.com"},
                                 {"Name": "email_verified", "Value": "true"}]})
    return {"Users": users}


def test_import_cognito_users_twice_then_one_resets_and_signs_in(stack, idp, admin, http, tmp_path):
    import json as json_module
    from test_authctl import authctl
    prefix = "imp-" + uuid.uuid4().hex[:8]
    dump = list_users_dump(300, prefix)
    path = tmp_path / "users.json"
    path.write_text(json_module.dumps(dump))

    first = authctl(stack, "--json", "import", "cognito", str(path))
    assert first.returncode == 1, first.stderr  # three records fail
    summary = json_module.loads(first.stdout)
    assert (summary["imported"], summary["skipped"], summary["failed"]) == (300, 0, 3)
    assert summary["mfa_to_enrol_again"] == len(range(0, 300, 11))
    assert "no sub" in first.stderr and "not an email" not in first.stderr  # no value echoed
    assert len([line for line in first.stderr.splitlines() if "record" in line]) == 3

    again = authctl(stack, "import", "cognito", str(path))
    assert again.returncode == 1
    assert "imported 0, skipped 300 (present already), failed 3" in again.stdout

    # The sub is the user id; the verified state, the date and the disable kept.
    record = dump["Users"][1]
    sub = record["Username"]
    email = f"{prefix}-1@example.com"
    got = admin.admin_get_user(UserPoolId=POOL, Username=email)
    assert got["Username"] == sub and got["UserStatus"] == "RESET_REQUIRED"
    assert got["UserCreateDate"].year == 2023
    assert admin.admin_get_user(UserPoolId=POOL, Username=f"{prefix}-3@example.com")[
        "Enabled"] is False
    assert stack.psql(f"SELECT email_verified FROM users WHERE email = '{prefix}-5@example.com'") \
        == [["f"]]

    # The first sign-in, through either door, asks for a reset.
    with pytest.raises(idp.exceptions.PasswordResetRequiredException):
        password_auth(idp, email, "Any-Passw0rd!")
    r = http.post(url("/auth/login"), json={"email": email, "password": "Any-Passw0rd!"})
    assert r.status_code == 403 and r.json()["error"] == "PASSWORD_RESET_REQUIRED"
    idp.forgot_password(ClientId=CLIENT, Username=email)
    code = code_in(stack.wait_for_mail(email, "password_reset"))
    idp.confirm_forgot_password(ClientId=CLIENT, Username=email, ConfirmationCode=code,
                                Password="Fresh-Start-42!")
    auth = tokens(idp, email, "Fresh-Start-42!")
    assert decode(auth["IdToken"], audience=CLIENT)["sub"] == sub
    assert login(http, email, "Fresh-Start-42!")["user"]["userId"] == sub
