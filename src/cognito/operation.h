// cognito/operation.h
//
// One call of the Cognito door as an operation sees it: the worker's
// services, the HTTP request (its client address, user agent and request
// id count for limits and the audit trail exactly as a REST call's do) and
// the JSON body already parsed; and the operations the door serves, one
// function each, grouped by file: account_ops.cpp (sign-up and codes),
// auth_ops.cpp (signing in and out), user_ops.cpp (the signed-in user),
// mfa_ops.cpp (the software token and the code step of a sign-in),
// admin_ops.cpp (the operations an administrator signs with SigV4).
#pragma once

#include "api/services.h"
#include "cognito/aws_json.h"
#include "http/request.h"
#include "json/document.h"

namespace authd::cognito {

struct OpCall {
    api::Services& services;
    const http::Request& request;
    json::Object body;
};

using Operation = OpResult (*)(const OpCall&);

OpResult sign_up(const OpCall& call);
OpResult confirm_sign_up(const OpCall& call);
OpResult resend_confirmation_code(const OpCall& call);
OpResult forgot_password(const OpCall& call);
OpResult confirm_forgot_password(const OpCall& call);

OpResult initiate_auth(const OpCall& call);
OpResult global_sign_out(const OpCall& call);
OpResult revoke_token(const OpCall& call);

OpResult get_user(const OpCall& call);
OpResult update_user_attributes(const OpCall& call);
OpResult delete_user(const OpCall& call);
OpResult change_password(const OpCall& call);

OpResult associate_software_token(const OpCall& call);
OpResult verify_software_token(const OpCall& call);
OpResult set_user_mfa_preference(const OpCall& call);
OpResult respond_to_auth_challenge(const OpCall& call);

// Signed with SigV4 (admin_ops.cpp).
OpResult admin_get_user(const OpCall& call);
OpResult admin_create_user(const OpCall& call);
OpResult admin_delete_user(const OpCall& call);
OpResult admin_confirm_sign_up(const OpCall& call);
OpResult admin_set_user_password(const OpCall& call);
OpResult admin_disable_user(const OpCall& call);
OpResult admin_enable_user(const OpCall& call);
OpResult admin_user_global_sign_out(const OpCall& call);
OpResult admin_reset_user_password(const OpCall& call);
OpResult list_users(const OpCall& call);

}  // namespace authd::cognito
