"""A Flask app written the way Cognito apps are: boto3's cognito-idp client
for sign-up and sign-in, and a `token_required` decorator that verifies the
access token against the user pool's JWKS with PyJWT.

It runs against AWS Cognito or against authd; only the environment differs
(README, "Moving from Cognito"):

    COGNITO_ENDPOINT   unset for AWS; authd's URL, e.g. http://127.0.0.1:8080
    COGNITO_REGION     e.g. eu-west-1
    COGNITO_POOL_ID    the user pool id ([cognito] user_pool_id)
    COGNITO_CLIENT_ID  the app client id ([cognito] client_id)
    JWT_ALGORITHMS     RS256 (Cognito's); authd signs with ES256 by default:
                       set [tokens] algorithm = RS256 there, or ES256 here

The pool's URL, <endpoint>/<pool id>, is both the tokens' issuer and where
the JWKS is, with Cognito and with authd alike.
"""
import functools
import os

import boto3
import jwt
from flask import Flask, g, jsonify, request

REGION = os.environ.get("COGNITO_REGION", "eu-west-1")
POOL_ID = os.environ["COGNITO_POOL_ID"]
CLIENT_ID = os.environ["COGNITO_CLIENT_ID"]
ENDPOINT = os.environ.get("COGNITO_ENDPOINT")  # None: AWS itself
BASE = ENDPOINT or f"https://cognito-idp.{REGION}.amazonaws.com"
ISSUER = f"{BASE}/{POOL_ID}"
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
ALGORITHMS = os.environ.get("JWT_ALGORITHMS", "RS256").split(",")

app = Flask(__name__)
cognito = boto3.client("cognito-idp", region_name=REGION, endpoint_url=ENDPOINT)
jwks = jwt.PyJWKClient(JWKS_URL)


def token_required(view):
    """The access token from `Authorization: Bearer`, verified as a Cognito
    access token: signature against the pool's JWKS, exp, iss, token_use
    and client_id (access tokens carry the client in client_id, not aud)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return jsonify(message="missing token"), 401
        token = header[len("Bearer "):]
        try:
            key = jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=ALGORITHMS, issuer=ISSUER,
                                options={"verify_aud": False, "require": ["exp", "sub"]})
        except jwt.PyJWTError as e:
            return jsonify(message=f"invalid token: {e}"), 401
        if claims.get("token_use") != "access" or claims.get("client_id") != CLIENT_ID:
            return jsonify(message="not an access token of this app"), 401
        g.claims = claims
        g.access_token = token
        return view(*args, **kwargs)
    return wrapper


def cognito_error(e):
    """A Cognito exception as this app's JSON answer."""
    return jsonify(error=e.response["Error"]["Code"], message=e.response["Error"]["Message"]), 400


@app.post("/signup")
def signup():
    body = request.get_json()
    try:
        r = cognito.sign_up(ClientId=CLIENT_ID, Username=body["email"], Password=body["password"],
                            UserAttributes=[{"Name": "given_name", "Value": body["first_name"]},
                                            {"Name": "family_name", "Value": body["last_name"]}])
    except cognito.exceptions.UsernameExistsException:
        return jsonify(error="exists"), 409
    except (cognito.exceptions.InvalidPasswordException,
            cognito.exceptions.InvalidParameterException) as e:
        return cognito_error(e)
    return jsonify(user_sub=r["UserSub"]), 201


@app.post("/confirm")
def confirm():
    body = request.get_json()
    try:
        cognito.confirm_sign_up(ClientId=CLIENT_ID, Username=body["email"],
                                ConfirmationCode=body["code"])
    except (cognito.exceptions.CodeMismatchException,
            cognito.exceptions.ExpiredCodeException) as e:
        return cognito_error(e)
    return jsonify(confirmed=True)


@app.post("/login")
def login():
    body = request.get_json()
    try:
        r = cognito.initiate_auth(ClientId=CLIENT_ID, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": body["email"],
                                                  "PASSWORD": body["password"]})
    except cognito.exceptions.NotAuthorizedException:
        return jsonify(error="wrong email or password"), 401
    except cognito.exceptions.UserNotConfirmedException:
        return jsonify(error="confirm your email first"), 403
    result = r["AuthenticationResult"]
    return jsonify(access_token=result["AccessToken"], id_token=result["IdToken"],
                   refresh_token=result["RefreshToken"])


@app.get("/me")
@token_required
def me():
    user = cognito.get_user(AccessToken=g.access_token)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    return jsonify(sub=g.claims["sub"], username=g.claims["username"], email=attributes["email"])


@app.post("/logout")
@token_required
def logout():
    cognito.global_sign_out(AccessToken=g.access_token)
    return "", 204


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
