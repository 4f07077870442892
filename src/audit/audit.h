// audit/audit.h
//
// The audit trail: one row per security event (register, verify, login
// ok/failed, refresh, reuse detected, logout, session revoked, profile
// change, delete, ...), with who, from where and which request.  Callers
// write it inside the transaction of the change it records, so an event
// is recorded exactly when its change is.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "db/connection.h"

namespace authd::audit {

// Who did it and from where: for a request, what nginx passed
// (api::audit_origin); for authctl, its own name as the user agent.
struct Origin {
    std::string ip;          // REMOTE_ADDR
    std::string user_agent;  // may be empty
    std::string request_id;
};

// A detail object, written with json::Writer: {"session_id": "…", "mfa":
// true}.  Values are strings or booleans; never a secret.
using DetailValue = std::variant<std::string_view, bool>;
std::string detail(std::initializer_list<std::pair<std::string_view, DetailValue>> fields);
// {"session_id": "<id>"}, the most common one.
std::string session_detail(std::string_view session_id);

// `detail` is a JSON object text (detail()) or empty; never a secret.
Result<void> record(db::Connection& db, std::string_view event,
                    const std::optional<std::string>& user_id, const Origin& origin,
                    std::string_view detail = {});

}  // namespace authd::audit
