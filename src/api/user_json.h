// api/user_json.h
//
// The contract's User object (section 2), alone or inside a larger answer.
#pragma once

#include <string>

#include "accounts/user_store.h"
#include "json/writer.h"

namespace authd::api {

void write_user(json::Writer& w, const accounts::User& user);
std::string user_json(const accounts::User& user);

}  // namespace authd::api
