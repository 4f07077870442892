// api/routes.cpp
//
// Every endpoint the API pool serves, as data.
#include "api/routes.h"

#include "api/account_api.h"
#include "api/browser_api.h"
#include "api/health.h"
#include "api/login_api.h"
#include "api/login_page.h"
#include "api/mfa_api.h"
#include "api/password_api.h"
#include "api/policy_api.h"
#include "api/registration_api.h"
#include "api/wellknown_api.h"
#include "cognito/door.h"

namespace authd::api {
namespace {

using http::Method;

const http::Route<Endpoint> kRoutes[] = {
    {Method::post, "/auth/register", {register_account, LimitKind::register_account}},
    {Method::post, "/auth/verify-email", {verify_email, LimitKind::verify_email}},
    {Method::post, "/auth/resend-verification", {resend_verification, LimitKind::resend_per_ip}},
    {Method::post, "/auth/login", {login, LimitKind::login}},
    {Method::post, "/auth/mfa/verify", {complete_mfa_login, LimitKind::mfa_verify}},
    {Method::post, "/auth/refresh", {refresh}},
    {Method::post, "/auth/logout", {logout}},
    {Method::post, "/auth/password/forgot", {forgot_password, LimitKind::forgot_per_ip}},
    {Method::post, "/auth/password/reset", {reset_password, LimitKind::reset_password}},
    {Method::post, "/auth/password/change", {change_password, LimitKind::recheck}},
    {Method::get, "/auth/password-policy", {get_password_policy}},
    {Method::post, "/auth/mfa/setup", {setup_mfa, LimitKind::mfa_setup}},
    {Method::post, "/auth/mfa/verify-setup", {verify_mfa_setup}},
    {Method::post, "/auth/mfa/backup-codes", {regenerate_backup_codes, LimitKind::recheck}},
    {Method::post, "/auth/mfa/disable", {disable_mfa, LimitKind::recheck}},
    {Method::get, "/auth/sessions", {list_sessions}},
    {Method::del, "/auth/sessions/{sessionId}", {delete_session}},
    {Method::get, "/users/profile", {get_profile}},
    {Method::put, "/users/profile", {update_profile}},
    {Method::del, "/users/profile", {delete_profile, LimitKind::recheck}},
    {Method::get, "/auth/redirect", {redirect_after_login}},
    {Method::get, "/login", {login_page}},
    {Method::post, "/login", {submit_login_form, LimitKind::login, true}},
    {Method::get, "/login/done", {signed_in_page}},
    {Method::get, "/auth/refresh/resume", {resume_session}},
    {Method::get, "/demo/echo", {demo_echo}},  // behind auth_request (nginx /demo/, /demo-mfa/)
    {Method::get, "/.well-known/jwks.json", {get_jwks}},
    {Method::get, "/.well-known/openid-configuration", {get_openid_configuration}},
    {Method::get, "/health", {check_health}},
    // The Cognito-compatible API (README "Moving from Cognito").
    {Method::post, "/", {cognito::serve, std::nullopt, false, true}},
    {Method::get, "/{poolId}/.well-known/jwks.json", {cognito::pool_jwks}},
    {Method::get,
     "/{poolId}/.well-known/openid-configuration",
     {cognito::pool_openid_configuration}},
};

}  // namespace

std::span<const http::Route<Endpoint>> routes() { return kRoutes; }

}  // namespace authd::api
