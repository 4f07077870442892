// authctl/cli.cpp
#include "authctl/cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "forms/email.h"
#include "json/writer.h"

namespace authd::authctl {

std::string operator_name() {
    for (const char* name : {"SUDO_USER", "USER"}) {
        const char* who = std::getenv(name);
        if (who && *who) return who;
    }
    return "unknown";
}

audit::Origin operator_origin() { return {"", "authctl", ""}; }

std::string operator_detail(
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
    json::Writer detail;
    detail.begin_object();
    for (const auto& [key, value] : extra) detail.key(key).string(value);
    detail.key("operator").string(operator_name()).end_object();
    return std::move(detail).str();
}

int fail(std::string_view what, const Error& error) {
    if (error.code == ErrorCode::unavailable) {
        return fail(what, "database unavailable: " + error.detail, kExitUnavailable);
    }
    return fail(what, error.detail, kExitFailure);
}

int fail(std::string_view what, std::string_view message, int code) {
    // One line: a multi-line libpq message is folded.
    std::string line(message);
    std::replace(line.begin(), line.end(), '\n', ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(stderr, "authctl: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 line.c_str());
    return code;
}

Result<accounts::User> find_account(db::Connection& db, const std::string& raw_email) {
    const std::string email = forms::normalize_email(raw_email);
    auto user = accounts::find_user_by_email(db, email);
    if (!user) return Unexpected{user.error()};
    if (!*user) return authd::fail(ErrorCode::not_found, "no account for " + email);
    return std::move(**user);
}

bool has_flag(const std::vector<std::string>& args, std::string_view flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
}

std::string flag_value(const std::vector<std::string>& args, std::string_view flag) {
    for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag) return args[i + 1];
    }
    return {};
}

void print_line(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

}  // namespace authd::authctl
