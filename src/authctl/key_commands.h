// authctl/key_commands.h
//
// `authctl keys ...`: the signing-key life cycle (init, list, rotate,
// retire) over the key directory described in keys/keyring.h.  Kept apart
// from main.cpp so the key commands read as one piece: which key signs,
// which verify, and when one may go.
#pragma once

#include "core/config.h"

namespace authd::authctl {

// Runs `keys <args...>` (argv[first] is the word after "keys"); returns the
// exit code: 0 done, 1 refused or failed (one line on stderr), 64 usage.
int run_keys_command(const Config& config, int argc, char** argv, int first);

// The usage lines of the keys commands, for authctl's usage().
const char* keys_usage();

}  // namespace authd::authctl
