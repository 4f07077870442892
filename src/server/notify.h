// server/notify.h
//
// systemd's readiness protocol without libsystemd: one datagram such as
// "READY=1" to the unix socket named by $NOTIFY_SOCKET ('@' = abstract).
// Does nothing when the variable is unset.
#pragma once

#include <string_view>

namespace authd::server {

void notify_systemd(std::string_view state);

}  // namespace authd::server
