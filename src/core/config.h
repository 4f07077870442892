// core/config.h
//
// authd's configuration: one file of `[section]` and `key = value` lines,
// every key overridable by the environment variable AUTHD_<SECTION>_<KEY>,
// secrets also readable from a file named by `<key>_file` (or
// AUTHD_<SECTION>_<KEY>_FILE).  Precedence: default < file < environment.
//
// load_config() parses and validates everything before returning, so a
// Config that exists is a Config that works; reload builds a new one and
// keeps the old on failure.
#pragma once

#include <string>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "core/secret.h"

namespace authd {

struct Config {
    struct Server {
        std::string api_socket;
        std::string validate_socket;
        int socket_mode = 0660;
        int api_workers = 4;
        int validate_workers = 2;
        int shutdown_timeout = 30;  // seconds a draining worker may take
        log::Level log_level = log::Level::info;
    } server;

    struct Database {
        std::string url;  // libpq conninfo or postgresql:// URI, no password
        Secret password;
        int connect_timeout = 5;
        bool prepared_statements = true;
    } database;

    struct Cache {
        std::string servers;  // comma-separated host:port or /unix/socket
        int timeout_ms = 200;
    } cache;

    // The text of every option as it took effect, in table order, for
    // --check-config; secrets are already masked here.
    std::vector<std::pair<std::string, std::string>> effective;
};

// Reads `path` (which must exist), applies the environment, validates.
// The error's detail is a message for the operator ("file:line: why").
Result<Config> load_config(const std::string& path);

// Same, from text already in memory (tests); `origin` names it in errors.
Result<Config> parse_config(std::string_view text, const std::string& origin);

// The effective configuration as `[section]` / `key = value` text.
std::string describe_config(const Config& config);

// One line of reference per option, for the README.
std::string config_reference();

}  // namespace authd
