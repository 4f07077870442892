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

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ",") + w;
    return out;
}

int sessions_list(const Invocation& call) {
    constexpr const char* what = "sessions list";
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    auto live = sessions::list_sessions(db, user->id);
    if (!live) return fail(what, live.error());
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

int sessions_revoke(const Invocation& call) {
    constexpr const char* what = "sessions revoke";
    const std::string session_id = sessions::is_uuid(flag_value(call.args, "--session"))
                                       ? flag_value(call.args, "--session")
                                       : "";
    if (has_flag(call.args, "--session") && session_id.empty()) {
        return fail(what, "--session takes a session id (a UUID)", kExitUsage);
    }
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    // The account's row first (the lock order of accounts/user_store.h).
    if (auto r = accounts::lock_user(*tx, user->id); !r) return fail(what, r.error());
    int64_t count = 0;
    if (!session_id.empty()) {
        auto revoked = sessions::revoke_session(*tx, session_id, user->id, "revoked_by_operator");
        if (!revoked) return fail(what, revoked.error());
        if (!*revoked) {
            return fail(what, "no live session " + session_id + " of " + user->email);
        }
        count = 1;
    } else {
        auto revoked = sessions::revoke_all_sessions(*tx, user->id, "revoked_by_operator");
        if (!revoked) return fail(what, revoked.error());
        count = *revoked;
    }
    const std::string count_text = std::to_string(count);
    if (count > 0) {
        if (auto r =
                audit::record(db, "sessions_revoked_by_operator", user->id, operator_origin(),
                              session_id.empty() ? operator_detail({{"count", count_text}})
                                                 : operator_detail({{"session_id", session_id}}));
            !r) {
            return fail(what, r.error());
        }
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    if (call.json) {
        json::Writer out;
        out.begin_object().key("revoked").number(count).end_object();
        print_line(std::move(out).str());
    } else {
        std::printf("revoked %lld session(s) of %s\n", static_cast<long long>(count),
                    user->email.c_str());
    }
    return kExitOk;
}

}  // namespace

int run_sessions(const Invocation& call) {
    const auto& a = call.args;
    if (a.size() == 2 && a[0] == "list") return sessions_list(call);
    if (a.size() >= 2 && a[0] == "revoke" && a[1][0] != '-' &&
        (a.size() == 2 || (a.size() == 4 && a[2] == "--session"))) {
        return sessions_revoke(call);
    }
    return fail("sessions", "usage: authctl sessions list EMAIL | revoke EMAIL [--session ID]",
                kExitUsage);
}

}  // namespace authd::authctl
