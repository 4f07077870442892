// authctl/config_commands.cpp
//
// `authctl config check`: what `authd --check-config` does (the checks
// authd makes before it starts, then the effective configuration with its
// secrets masked), so an operator can check a file with the admin tool.
#include <cstdio>

#include "authctl/cli.h"
#include "startup/check.h"

namespace authd::authctl {

int run_config(const Invocation& call) {
    if (call.args.size() != 1 || call.args[0] != "check") {
        return fail("config", "usage: authctl config check", kExitUsage);
    }
    if (auto ok = startup::check_can_start(call.config); !ok) {
        return fail("config check", ok.error());
    }
    std::fputs(describe_config(call.config).c_str(), stdout);
    return kExitOk;
}

}  // namespace authd::authctl
