// authctl/session_commands.cpp
//
// `authctl sessions list EMAIL` and `authctl sessions revoke EMAIL
// [--session ID]`.  A revocation goes through sessions::revoke_session /
// revoke_all_sessions, as a logout does, so it writes the revoked_sessions
// row the validate workers read: they refuse the session's access tokens
// within the revocation bound.
#include <cstdio>

#include "authctl/cli.h"
#include "json/writer.h"
#include "sessions/session_store.h"

namespace authd::authctl {
namespace {

int sessions_list(const Invocation& call, db::Connection& db, const accounts::User& user) {
    auto live = sessions::list_sessions(db, user.id);
    if (!live) return fail("sessions list", live.error());
    if (call.json) {
        json::Writer out;
        out.begin_array();
        for (const auto& s : *live) {
            out.begin_object().key("id").string(s.id).key("created_at").string(s.created_at);
            out.key("last_used_at").string(s.last_used_at).key("expires_at").string(s.expires_at);
            out.key("ip").string(s.ip).key("user_agent").string(s.user_agent).key("amr");
            out.begin_array();
            for (const auto& m : s.amr) out.string(m);
            out.end_array().end_object();
        }
        out.end_array();
        print_line(std::move(out).str());
        return kExitOk;
    }
    for (const auto& s : *live) {
        std::printf("%s\tcreated %s\tlast used %s\texpires %s\t%s\t%s\t%s\n", s.id.c_str(),
                    s.created_at.c_str(), s.last_used_at.c_str(), s.expires_at.c_str(),
                    joined(s.amr).c_str(), s.ip.c_str(), s.user_agent.c_str());
    }
    return kExitOk;
}

int sessions_revoke(const Invocation& call, db::Connection& db, const accounts::User& user) {
    constexpr const char* what = "sessions revoke";
    const std::string session_id = flag_value(call.args, "--session");  // "": every one
    int64_t count = 0;
    auto changed = change_account(
        db, user,
        [&](db::Transaction& tx, const accounts::User&) -> Result<std::optional<AuditRow>> {
            if (!session_id.empty()) {
                auto revoked =
                    sessions::revoke_session(tx, session_id, user.id, "revoked_by_operator");
                if (!revoked) return Unexpected{revoked.error()};
                if (!*revoked) {
                    return authd::fail(ErrorCode::not_found,
                                       "no live session " + session_id + " of " + user.email);
                }
                count = 1;
                return audited("sessions_revoked_by_operator",
                               operator_detail({{"session_id", session_id}}));
            }
            auto revoked = sessions::revoke_all_sessions(tx, user.id, "revoked_by_operator");
            if (!revoked) return Unexpected{revoked.error()};
            count = *revoked;
            if (count == 0) return unchanged();
            return audited("sessions_revoked_by_operator",
                           operator_detail({{"count", std::to_string(count)}}));
        });
    if (!changed) return fail(what, changed.error());
    if (call.json) {
        json::Writer out;
        out.begin_object().key("revoked").number(count).end_object();
        print_line(std::move(out).str());
    } else {
        std::printf("revoked %lld session(s) of %s\n", static_cast<long long>(count),
                    user.email.c_str());
    }
    return kExitOk;
}

}  // namespace

int run_sessions(const Invocation& call) {
    const auto& a = call.args;
    if (a.size() == 2 && a[0] == "list") return on_account(call, sessions_list);
    if (a.size() >= 2 && a[0] == "revoke" && a[1][0] != '-' &&
        (a.size() == 2 || (a.size() == 4 && a[2] == "--session"))) {
        if (a.size() == 4 && !sessions::is_uuid(a[3])) {
            return fail("sessions revoke", "--session takes a session id (a UUID)", kExitUsage);
        }
        return on_account(call, sessions_revoke);
    }
    return fail("sessions", "usage: authctl sessions list EMAIL | revoke EMAIL [--session ID]",
                kExitUsage);
}

}  // namespace authd::authctl
