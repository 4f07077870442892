// api/limits.cpp
#include "api/limits.h"

#include "api/auth.h"
#include "metrics/shared_counters.h"
#include "ratelimit/client_address.h"

namespace authd::api {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool listed(std::string_view list, std::string_view address) {
    while (!list.empty()) {
        size_t comma = list.find(',');
        if (trim(list.substr(0, comma)) == address) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

ratelimit::Limit limit_of(const Config::Limits& c, LimitKind kind) {
    switch (kind) {
        case LimitKind::login:
            return {"login", c.login_per_ip, c.login_window};
        case LimitKind::register_account:
            return {"register", c.register_per_ip, c.register_window};
        case LimitKind::forgot_password:
            return {"forgot", c.forgot_per_email, c.forgot_window};
        case LimitKind::resend_verification:
            return {"resend", c.resend_per_email, c.resend_window};
        case LimitKind::forgot_per_ip:
            return {"forgot_ip", c.forgot_per_ip, c.forgot_window};
        case LimitKind::resend_per_ip:
            return {"resend_ip", c.resend_per_ip, c.resend_window};
        case LimitKind::reset_password:
            return {"reset", c.reset_per_ip, c.reset_window};
        case LimitKind::verify_email:
            return {"verify_email", c.verify_email_per_ip, c.verify_email_window};
        case LimitKind::mfa_verify:
            return {"mfa_verify", c.mfa_verify_per_ip, c.mfa_verify_window};
        case LimitKind::mfa_setup:
            return {"mfa_setup", c.mfa_setup_per_user, c.mfa_setup_window};
        case LimitKind::recheck:
            return {"recheck", c.recheck_per_user, c.recheck_window};
    }
    return {"other", 1, 1};
}

}  // namespace

std::string client_address(const http::Request& request, const std::string& trusted_proxies) {
    std::string_view address = request.remote_addr;
    const std::string* forwarded = request.header("x-forwarded-for");
    if (forwarded && !trusted_proxies.empty() && listed(trusted_proxies, address)) {
        // Walk from the right: each hop appended the address it saw; the
        // first one that is not a trusted proxy is the client.
        std::string_view rest = *forwarded;
        while (!rest.empty()) {
            size_t comma = rest.rfind(',');
            std::string_view hop =
                trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
            if (hop.empty()) continue;
            address = hop;
            if (!listed(trusted_proxies, hop)) break;
        }
    }
    return ratelimit::client_subject(address);
}

std::optional<http::ApiError> over_limit(Services& s, LimitKind kind, std::string_view subject) {
    ratelimit::Decision d = s.limiter.hit(limit_of(s.config.limits, kind), subject, unix_now());
    if (d.allowed) return std::nullopt;
    metrics::count(metrics::Event::rate_limited);
    http::ApiError e{429, "RATE_LIMITED", "too many requests; try again later"};
    e.retry_after = d.retry_after;
    e.log_reason = "rate_limited";
    return e;
}

std::optional<http::ApiError> over_limit_before_body(Services& s, LimitKind kind,
                                                     const http::Request& request) {
    if (kind == LimitKind::mfa_setup || kind == LimitKind::recheck) {
        auto caller = authenticate(s, request);
        if (!caller) return std::nullopt;
        return over_limit(s, kind, caller->claims.user_id);
    }
    return over_limit(s, kind, client_address(request, s.config.limits.trusted_proxies));
}

}  // namespace authd::api
