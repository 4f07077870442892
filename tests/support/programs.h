// tests/support/programs.h
//
// Running the independent command-line tools some unit tests compare
// against (oathtool, zbarimg, memcached).  Header-only: the unit-test
// binary is built from tests/unit/*_test.cpp alone.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace authd::testing {

// True when `program` is an executable in a directory of $PATH.
inline bool on_path(std::string_view program) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "";
    while (!rest.empty()) {
        const size_t colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + std::string(program);
        if (access(candidate.c_str(), X_OK) == 0) return true;
    }
    return false;
}

// The stdout of a shell command with trailing newlines removed; nullopt
// unless it exits 0.
inline std::optional<std::string> command_output(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string out;
    char buf[256];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    if (pclose(pipe) != 0) return std::nullopt;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace authd::testing
