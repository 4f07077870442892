// authctl/token_commands.cpp
//
// `authctl token mint --email EMAIL [--count N]`: N access tokens (one per
// line) for a user, in a new session, without a login (audited).  For load
// tests and break-glass access; the tokens carry the user's groups as a
// login would now.
#include <cstdio>
#include <optional>
#include <string_view>

#include "accounts/groups.h"
#include "authctl/cli.h"
#include "core/clock.h"
#include "json/writer.h"
#include "keys/keyring.h"
#include "sessions/session_store.h"
#include "sessions/token.h"

namespace authd::authctl {
namespace {

int mint(const Config& config, const keys::Keyring& keys, db::Connection& db,
         const accounts::User& found, int count) {
    constexpr const char* what = "token mint";
    auto groups = accounts::groups_of(db, found.id);
    if (!groups) return fail(what, groups.error());
    std::optional<accounts::User> user;
    std::optional<sessions::Issued> issued;
    auto minted = change_account(
        db, found,
        [&](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            // A disabled account signs in nowhere (login/account_state.h).
            if (locked.disabled()) {
                return authd::fail(ErrorCode::conflict, locked.email + " is disabled");
            }
            auto session = sessions::create_session(
                tx, {locked.id, config.tokens.access_ttl, {"pwd"}, operator_origin()});
            if (!session) return Unexpected{session.error()};
            json::Writer detail;
            detail.begin_object()
                .key("count")
                .number(count)
                .key("session_id")
                .string(session->session.id)
                .key("operator")
                .string(operator_name())
                .end_object();
            user = locked;
            issued = std::move(*session);
            return audited("tokens_minted", std::move(detail).str());
        });
    if (!minted) return fail(what, minted.error());
    sessions::TokenSubject subject{user->id,
                                   user->email,
                                   user->first_name,
                                   user->last_name,
                                   user->email_verified,
                                   issued->session.id,
                                   issued->session.amr,
                                   issued->session.auth_time};
    subject.groups = std::move(*groups);
    const int64_t now = unix_now();
    for (int n = 0; n < count; ++n) {
        auto token = sessions::mint_access_token(keys, config.tokens, subject, now);
        if (!token) return fail(what, token.error());
        print_line(*token);
    }
    return kExitOk;
}

int token_mint(const Config& config, const std::string& raw_email, int count) {
    constexpr const char* what = "token mint";
    auto keys = keys::Keyring::load_for(config);
    if (!keys) return fail(what, keys.error());
    return with_account(config, what, raw_email, [&](db::Connection& db, const accounts::User& u) {
        return mint(config, *keys, db, u, count);
    });
}

}  // namespace

int run_token(const Invocation& call) {
    const auto& a = call.args;
    std::string email;
    int count = 1;
    bool well_formed = !a.empty() && a[0] == "mint" && a.size() % 2 == 1;
    for (size_t k = 1; well_formed && k + 1 < a.size(); k += 2) {
        if (a[k] == "--email") {
            email = a[k + 1];
        } else if (a[k] == "--count") {
            count = static_cast<int>(parse_count(a[k + 1], 1000000).value_or(0));
        } else {
            well_formed = false;
        }
    }
    if (!well_formed || email.empty() || count < 1 || count > 1000000) {
        return fail("token", "usage: authctl token mint --email EMAIL [--count N] (N 1-1000000)",
                    kExitUsage);
    }
    return token_mint(call.config, email, count);
}

}  // namespace authd::authctl
