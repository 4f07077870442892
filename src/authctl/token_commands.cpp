// authctl/token_commands.cpp
//
// `authctl token mint --email EMAIL [--count N]`: N access tokens (one per
// line) for a user, in a new session, without a login (audited).  For load
// tests and break-glass access; the tokens carry the user's groups as a
// login would now.
#include <charconv>
#include <cstdio>
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

int token_mint(const Config& config, const std::string& raw_email, int count) {
    constexpr const char* what = "token mint";
    auto keys = keys::Keyring::load_for(config);
    if (!keys) return fail(what, keys.error());
    db::Connection db(config.database);
    auto user = find_account(db, raw_email);
    if (!user) return fail(what, user.error());
    auto groups = accounts::groups_of(db, user->id);
    if (!groups) return fail(what, groups.error());
    const audit::Origin origin = operator_origin();
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    auto issued =
        sessions::create_session(*tx, {user->id, config.tokens.access_ttl, {"pwd"}, origin});
    if (!issued) return fail(what, issued.error());
    json::Writer detail;
    detail.begin_object()
        .key("count")
        .number(count)
        .key("session_id")
        .string(issued->session.id)
        .key("operator")
        .string(operator_name())
        .end_object();
    if (auto r = audit::record(db, "tokens_minted", user->id, origin, std::move(detail).str());
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
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
        auto token = sessions::mint_access_token(*keys, config.tokens, subject, now);
        if (!token) return fail(what, token.error());
        print_line(*token);
    }
    return kExitOk;
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
            const std::string_view text = a[k + 1];
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), count);
            if (error != std::errc() || end != text.data() + text.size()) count = 0;
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
