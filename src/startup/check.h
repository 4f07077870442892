// startup/check.h
//
// "Can this configuration start?": what the workers and the mailer load or
// check when they start, and would exit kExitConfigError without, checked
// by the master's process before a single worker depends on it: at startup
// (authd refuses to run) and at every reload (the old workers keep serving).
#pragma once

#include "core/config.h"
#include "core/result.h"

namespace authd::startup {

// Loads the keyring of `config` (its [keys] dir, for its [tokens]
// algorithm) and the [passwords] banned_file if one is set, checks the mail
// transport's settings (mail::check_transport_settings), and throws them
// all away.  Logs a warning (signing_key_unused) for each key in signing/
// of another algorithm than [tokens] algorithm.  Fails with the first error, its detail starting
// with the setting at fault ("[keys] dir: ...", "[passwords] banned_file: ...",
// "[mail] dir ...", "[mail] smtp_url ...") for the operator's log.
Result<void> check_can_start(const Config& config);

}  // namespace authd::startup
