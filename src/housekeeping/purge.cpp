// housekeeping/purge.cpp
#include "housekeeping/purge.h"

#include "accounts/user_store.h"

namespace authd::housekeeping {
namespace {

constexpr db::Statement kSessions{
    "purge_sessions", "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'"};
constexpr db::Statement kRevoked{
    "purge_revoked",
    "DELETE FROM revoked_sessions WHERE revoked_at < now() - make_interval(secs => $1::int)"};
constexpr db::Statement kCodes{
    "purge_codes", "DELETE FROM email_codes WHERE expires_at < now() - interval '1 day'"};
constexpr db::Statement kChallenges{
    "purge_challenges", "DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 hour'"};
constexpr db::Statement kFailures{
    "purge_failures",
    "DELETE FROM login_failures WHERE (locked_until IS NULL OR locked_until < now())"
    " AND window_start < now() - make_interval(secs => $1::int)"};
constexpr db::Statement kMail{"purge_mail",
                              "DELETE FROM mail_outbox WHERE sent_at < now() - interval '7 days'"};

}  // namespace

Result<int64_t> purge_expired(db::Connection& db, const Config& config) {
    // A revocation matters while a token of its session may live.
    const std::string revoked_life =
        std::to_string(config.tokens.access_ttl + config.tokens.leeway + 3600);
    const std::string failure_life = std::to_string(config.lockout.window);
    struct Step {
        const db::Statement& statement;
        std::initializer_list<db::Param> params;
    };
    const Step steps[] = {{kSessions, {}},   {kRevoked, {revoked_life}},  {kCodes, {}},
                          {kChallenges, {}}, {kFailures, {failure_life}}, {kMail, {}}};
    int64_t deleted = 0;
    for (const Step& step : steps) {
        auto rows = db.exec(step.statement, step.params);
        if (!rows) return Unexpected<Error>{rows.error()};
        deleted += rows->affected();
    }
    if (auto r = accounts::purge_unverified(db, config.accounts.unverified_ttl); !r) {
        return Unexpected<Error>{r.error()};
    }
    return deleted;
}

}  // namespace authd::housekeeping
