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
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/jws_alg.h"
#include "core/log.h"
#include "core/result.h"
#include "core/secret.h"

namespace authd {

struct Config {
    struct Server {
        std::string api_socket;       // a valid parse_listen_address() text
        std::string validate_socket;  // a valid parse_listen_address() text
        int socket_mode = 0660;
        // Who may connect to a TCP socket; never empty when one is TCP.
        std::vector<IpRange> fastcgi_peers;
        int api_workers = 4;
        int validate_workers = 2;
        int shutdown_timeout = 30;  // seconds a draining worker may take
        log::Level log_level = log::Level::info;
    } server;

    struct Database {
        std::string url;  // libpq conninfo or postgresql:// URI, no password
        Secret password;
        int connect_timeout = 5;
        int statement_timeout_ms = 5000;  // 0: no limit
        bool prepared_statements = true;
    } database;

    struct Cache {
        std::string servers;  // comma-separated host:port or /unix/socket
        int timeout_ms = 200;
    } cache;

    struct Keys {
        std::string dir;
    } keys;

    struct Tokens {
        std::string issuer;
        // The iss of the Cognito door's tokens: issuer + "/" + [cognito]
        // user_pool_id, as a Cognito pool's is its URL + "/" + the pool id,
        // so an app that derives the JWKS URL and the issuer from one base
        // needs only that base changed.  Accepted like issuer; empty (and
        // never accepted) without a pool.  Derived at load, not an option.
        std::string pool_issuer;
        std::string audience;
        // [tokens] algorithm: what new tokens are signed with; the keyring
        // must hold a key of it (keys::Keyring::load_for).
        JwsAlg alg = JwsAlg::es256;
        int access_ttl = 900;     // seconds, access and id tokens
        int session_ttl = 86400;  // refresh session life without rememberMe
        int remember_me_ttl = 2592000;
        int refresh_grace = 10;  // seconds a spent refresh token still works
        int leeway = 30;         // clock skew accepted on iat; exp is strict
    } tokens;

    struct Accounts {
        int verification_ttl = 86400;  // email verification code life
        int code_max_attempts = 5;     // wrong tries that burn a code
        int unverified_ttl = 604800;   // unverified accounts are purged after
        int reset_ttl = 3600;          // password reset code life
    } accounts;

    struct Passwords {
        int argon2_memory_kib = 19456;
        int argon2_iterations = 2;
        int argon2_parallelism = 1;
        int min_length = 8;
        int max_length = 128;
        bool require_upper = true;
        bool require_lower = true;
        bool require_digit = true;
        bool require_symbol = true;
        bool forbid_personal = true;  // no email local part or name of 3+ chars
        std::string banned_file;      // one password per line; empty: none
    } passwords;

    struct Limits {
        int login_per_ip = 30;
        int login_window = 900;
        int register_per_ip = 10;
        int register_window = 3600;
        int forgot_per_email = 3;
        int forgot_per_ip = 30;  // in front of the per-email limit, same window
        int forgot_window = 3600;
        int resend_per_email = 3;
        int resend_per_ip = 30;
        int resend_window = 3600;
        int reset_per_ip = 30;
        int reset_window = 900;
        int verify_email_per_ip = 60;
        int verify_email_window = 900;
        int mfa_verify_per_ip = 60;  // the second step of a login
        int mfa_verify_window = 900;
        int mfa_setup_per_user = 3;
        int mfa_setup_window = 3600;
        int recheck_per_user = 20;  // secrets asked again of a signed-in user
        int recheck_window = 900;
        int shared_slots = 65536;     // per-host counters while memcached is down
        std::string trusted_proxies;  // comma-separated addresses allowed to set X-Forwarded-For
    } limits;

    struct Lockout {
        int max_failures = 5;  // the Nth failure within `window` locks
        int window = 900;
        int duration = 900;
    } lockout;

    struct Http {
        std::vector<std::string> redirect_hosts;  // hosts /auth/redirect and rd may point to
        std::vector<std::string> cors_origins;    // origins allowed cross-origin (CORS)
        std::string public_url;  // the portal's origin, scheme://host[:port] (issuer's by default)
        std::string cookie_domain;  // Domain of the access cookie; empty: host-only
    } http;

    struct Mfa {
        std::string issuer;       // otpauth issuer shown in authenticator apps
        int challenge_ttl = 300;  // seconds an MFA sessionToken lives
        int challenge_max_attempts = 5;
    } mfa;

    struct Mail {
        std::string transport;     // "file" or "smtp"
        std::string dir;           // file transport: where .eml files go
        std::string from;          // From: header
        std::string product_name;  // shown in subjects and bodies
        std::string smtp_url;      // smtp://host:587 or smtps://host:465
        std::string smtp_username;
        Secret smtp_password;
        bool smtp_starttls = true;    // require STARTTLS on smtp://
        int retry_max_backoff = 300;  // seconds between attempts at most
    } mail;

    // The Cognito-compatible door (cognito/door.h): one user pool, one app
    // client.  An empty client_id closes the door (POST / is a 404).
    struct Cognito {
        std::string user_pool_id;  // <region>_<id>; also the JWKS path prefix
        std::string client_id;
        Secret client_secret;  // set: every call must carry SECRET_HASH
        // "AKID:secret, ..." for the SigV4-signed admin operations
        // (cognito/sigv4.h parses it; checked at load).  Empty: none.
        Secret admin_keys;
    } cognito;

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

// One row of the option table as documentation sees it: the packaged
// configuration file and authd.conf(5) are made from these rows
// (core/config_docs.h), so neither can drift from what authd accepts.
struct OptionDoc {
    std::string_view section;
    std::string_view key;
    std::string_view default_value;
    std::string_view doc;
    bool secret = false;  // also readable from `<key>_file`
};
std::vector<OptionDoc> option_docs();

}  // namespace authd
