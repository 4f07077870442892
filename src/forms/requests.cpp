// forms/requests.cpp
//
// A Fields collector keeps the first problem of each field; the parse_*
// functions read every field before deciding, so a client learns about all
// of its mistakes in one answer.
#include "forms/requests.h"

#include "forms/email.h"
#include "forms/names.h"

namespace authd::forms {
namespace {

constexpr const char* kRequired = "is required";

class Fields {
public:
    explicit Fields(json::Object body) : body_(body) {}

    std::optional<std::string> string(const char* key, bool required) {
        auto v = body_.find_string(key);
        if (!v) return add(key, "must be a string"), std::nullopt;
        if (!*v || (required && (*v)->empty())) {
            if (required) add(key, kRequired);
            return std::nullopt;
        }
        return std::move(*v);
    }

    bool boolean(const char* key) {
        auto v = body_.find_bool(key);
        if (!v) return add(key, "must be true or false"), false;
        return v->value_or(false);
    }

    void add(const std::string& key, std::string message) {
        problems_.emplace(key, std::move(message));  // first problem wins
    }

    bool ok() const { return problems_.empty(); }
    FieldErrors error() { return FieldErrors{std::move(problems_)}; }

private:
    json::Object body_;
    std::map<std::string, std::string> problems_;
};

std::optional<std::string> checked_name(Fields& f, const char* key, bool required) {
    auto raw = f.string(key, required);
    if (!raw) return std::nullopt;
    std::string name = trim_name(*raw);
    if (auto why = name_problem(name)) {
        f.add(key, *why);
        return std::nullopt;
    }
    return name;
}

// A required email, normalised; a problem of the field when it is not a
// valid address (contract section 6), wherever an email is asked for.
std::optional<std::string> checked_email(Fields& f) {
    auto raw = f.string("email", true);
    if (!raw) return std::nullopt;
    std::string email = normalize_email(*raw);
    if (auto why = email_problem(email)) {
        f.add("email", *why);
        return std::nullopt;
    }
    return email;
}

// A required email or reset code: 6 ASCII digits, surrounding spaces
// ignored.  Anything else is a bad value, not a wrong code.
std::optional<std::string> checked_code(Fields& f) {
    auto raw = f.string("code", true);
    if (!raw) return std::nullopt;
    const size_t first = raw->find_first_not_of(" \t");
    const size_t last = raw->find_last_not_of(" \t");
    std::string code = first == std::string::npos ? "" : raw->substr(first, last - first + 1);
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
        f.add("code", "must be 6 digits");
        return std::nullopt;
    }
    return code;
}

}  // namespace

FormResult<RegisterForm> parse_register(json::Object body, const PasswordPolicy& policy) {
    Fields f(body);
    RegisterForm out;
    if (auto email = checked_email(f)) out.email = std::move(*email);
    auto first = checked_name(f, "firstName", true);
    auto last = checked_name(f, "lastName", true);
    auto password = f.string("password", true);
    if (first) out.first_name = *first;
    if (last) out.last_name = *last;
    if (password) {
        out.password = Secret(std::move(*password));
        if (auto why = password_problem(policy, out.password.reveal(), out.email, out.first_name,
                                        out.last_name)) {
            f.add("password", *why);
        }
    }
    if (!f.ok()) return Unexpected{f.error()};
    return out;
}

FormResult<EmailCodeForm> parse_email_code(json::Object body) {
    Fields f(body);
    auto email = checked_email(f);
    auto code = checked_code(f);
    if (!f.ok()) return Unexpected{f.error()};
    return EmailCodeForm{std::move(*email), std::move(*code)};
}

FormResult<EmailForm> parse_email_only(json::Object body) {
    Fields f(body);
    auto email = checked_email(f);
    if (!f.ok()) return Unexpected{f.error()};
    return EmailForm{std::move(*email)};
}

FormResult<LoginForm> parse_login(json::Object body) {
    Fields f(body);
    LoginForm out;
    auto email = checked_email(f);
    auto password = f.string("password", true);
    out.remember_me = f.boolean("rememberMe");
    out.set_cookie = f.boolean("setCookie");
    if (!f.ok()) return Unexpected{f.error()};
    out.email = std::move(*email);
    out.password = Secret(std::move(*password));
    return out;
}

FormResult<RefreshForm> parse_refresh(json::Object body) {
    Fields f(body);
    RefreshForm out;
    out.refresh_token = f.string("refreshToken", false);
    out.set_cookie = f.boolean("setCookie");
    if (!f.ok()) return Unexpected{f.error()};
    return out;
}

FormResult<LogoutForm> parse_logout(json::Object body) {
    Fields f(body);
    LogoutForm out;
    out.refresh_token = f.string("refreshToken", false);
    out.all_devices = f.boolean("allDevices");
    if (!f.ok()) return Unexpected{f.error()};
    return out;
}

FormResult<ProfileForm> parse_profile(json::Object body) {
    Fields f(body);
    ProfileForm out;
    out.first_name = checked_name(f, "firstName", false);
    out.last_name = checked_name(f, "lastName", false);
    if (!f.ok()) return Unexpected{f.error()};
    return out;
}

FormResult<PasswordForm> parse_password(json::Object body) {
    Fields f(body);
    auto password = f.string("password", true);
    if (!f.ok()) return Unexpected{f.error()};
    return PasswordForm{Secret(std::move(*password))};
}

FormResult<ResetForm> parse_reset(json::Object body) {
    Fields f(body);
    auto email = checked_email(f);
    auto code = checked_code(f);
    auto password = f.string("newPassword", true);
    if (!f.ok()) return Unexpected{f.error()};
    return ResetForm{std::move(*email), std::move(*code), Secret(std::move(*password))};
}

FormResult<ChangePasswordForm> parse_change_password(json::Object body) {
    Fields f(body);
    auto current = f.string("currentPassword", true);
    auto password = f.string("newPassword", true);
    if (!f.ok()) return Unexpected{f.error()};
    return ChangePasswordForm{Secret(std::move(*current)), Secret(std::move(*password))};
}

FormResult<CodeForm> parse_code(json::Object body) {
    Fields f(body);
    auto code = f.string("code", true);
    if (!f.ok()) return Unexpected{f.error()};
    return CodeForm{std::move(*code)};
}

FormResult<MfaLoginForm> parse_mfa_login(json::Object body) {
    Fields f(body);
    auto token = f.string("sessionToken", true);
    auto code = f.string("code", true);
    if (!f.ok()) return Unexpected{f.error()};
    return MfaLoginForm{std::move(*token), std::move(*code)};
}

FormResult<PasswordCodeForm> parse_password_code(json::Object body) {
    Fields f(body);
    auto password = f.string("password", true);
    auto code = f.string("code", true);
    if (!f.ok()) return Unexpected{f.error()};
    return PasswordCodeForm{Secret(std::move(*password)), std::move(*code)};
}

}  // namespace authd::forms
