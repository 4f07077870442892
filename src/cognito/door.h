// cognito/door.h
//
// The Cognito-compatible API: AWS JSON 1.1 at POST / (X-Amz-Target:
// AWSCognitoIdentityProviderService.<Operation>), so code written for
// boto3's cognito-idp client runs against authd with only endpoint_url
// changed; and the pool's JWKS at /<user_pool_id>/.well-known/jwks.json.
// Both are routes of the API pool (api/routes.cpp); with no [cognito]
// client_id configured they answer 404 like any unknown path.
#pragma once

#include "api/call.h"

namespace authd::cognito {

// Reads its own body (application/x-amz-json-1.1) and always answers in
// AWS's shape: an unknown or missing target is 400 UnknownOperationException,
// as AWS answers one.
api::Answer serve(api::Services& services, const api::Call& call);

// GET /{poolId}/.well-known/jwks.json: the JWKS, for the configured pool id.
api::Answer pool_jwks(api::Services& services, const api::Call& call);

// GET /{poolId}/.well-known/openid-configuration: the pool's discovery
// document (issuer: the pool's URL, the iss of this door's tokens), where
// OIDC-aware Cognito code looks for it.
api::Answer pool_openid_configuration(api::Services& services, const api::Call& call);

}  // namespace authd::cognito
