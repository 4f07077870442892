// forms/requests.h
//
// Request bodies to typed structs.  Each parse_* reads the fields it knows
// (unknown fields are ignored; keys are case-sensitive), collects every
// problem into FieldErrors, a message per field, and only returns a struct
// whose fields are present, of the right type and, where the contract has
// rules (register, profile, passwords), valid.  Passwords are Secrets:
// wiped when the form goes.  What a front door answers
// with the errors is its own business (the REST API: 400 VALIDATION_ERROR
// with `fields`, api/answers.h).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/secret.h"
#include "forms/password_policy.h"
#include "json/document.h"

namespace authd::forms {

// Field name -> what is wrong with it (the first problem found).
struct FieldErrors {
    std::map<std::string, std::string> fields;
};

template <typename T>
using FormResult = Result<T, FieldErrors>;

struct RegisterForm {
    std::string email;  // normalised
    Secret password;
    std::string first_name;  // trimmed
    std::string last_name;
};
FormResult<RegisterForm> parse_register(json::Object body, const PasswordPolicy& policy);

struct EmailCodeForm {
    std::string email;  // normalised and well-formed; an unknown one is a wrong code
    std::string code;   // 6 digits
};
FormResult<EmailCodeForm> parse_email_code(json::Object body);

struct EmailForm {
    std::string email;  // normalised
};
FormResult<EmailForm> parse_email_only(json::Object body);

struct LoginForm {
    std::string email;  // normalised
    Secret password;
    bool remember_me = false;
    bool set_cookie = false;
};
FormResult<LoginForm> parse_login(json::Object body);

struct RefreshForm {
    std::optional<std::string> refresh_token;
    bool set_cookie = false;
};
FormResult<RefreshForm> parse_refresh(json::Object body);

struct LogoutForm {
    std::optional<std::string> refresh_token;
    bool all_devices = false;
};
FormResult<LogoutForm> parse_logout(json::Object body);

struct ProfileForm {
    std::optional<std::string> first_name;  // trimmed, valid
    std::optional<std::string> last_name;
};
FormResult<ProfileForm> parse_profile(json::Object body);

struct PasswordForm {
    Secret password;
};
FormResult<PasswordForm> parse_password(json::Object body);

struct ResetForm {
    std::string email;  // normalised
    std::string code;
    Secret new_password;  // not yet checked against the policy
};
FormResult<ResetForm> parse_reset(json::Object body);

struct ChangePasswordForm {
    Secret current_password;
    Secret new_password;  // not yet checked against the policy
};
FormResult<ChangePasswordForm> parse_change_password(json::Object body);

struct CodeForm {
    std::string code;
};
FormResult<CodeForm> parse_code(json::Object body);

struct MfaLoginForm {
    std::string session_token;
    std::string code;
};
FormResult<MfaLoginForm> parse_mfa_login(json::Object body);

struct PasswordCodeForm {
    Secret password;
    std::string code;
};
FormResult<PasswordCodeForm> parse_password_code(json::Object body);

}  // namespace authd::forms
