// core/config.cpp
//
// The option table is the single list of what can be configured: each row
// names its section, key, default, a line of documentation and a parser
// that checks the text and stores the typed value.  Defaults go through the
// same parsers as file and environment values, so they are checked too.
#include "core/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/ascii.h"
#include "core/listen_address.h"
#include "core/origin.h"

namespace authd {
namespace {

using Parser = Result<void> (*)(Config&, std::string_view);

struct Option {
    std::string_view section;
    std::string_view key;
    std::string_view default_value;
    std::string_view doc;
    Parser parse;
    bool secret = false;
};

Unexpected<Error> bad_value(std::string_view why) {
    return fail(ErrorCode::invalid_input, std::string(why));
}

template <auto Section, auto Field>
Result<void> text(Config& c, std::string_view v) {
    (c.*Section).*Field = std::string(v);
    return {};
}

template <auto Section, auto Field>
Result<void> required_text(Config& c, std::string_view v) {
    if (v.empty()) return bad_value("must not be empty");
    (c.*Section).*Field = std::string(v);
    return {};
}

// A comma-separated list; items trimmed and lower-cased, empty items dropped.
template <auto Section, auto Field>
Result<void> lower_list(Config& c, std::string_view v) {
    std::vector<std::string> items;
    while (!v.empty()) {
        size_t comma = v.find(',');
        std::string_view item = v.substr(0, comma);
        v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) continue;
        std::string lowered = ascii_lowered(item);
        if (lowered.find_first_of(" \t\"'<>") != std::string::npos) {
            return bad_value("list items may not contain spaces or quotes");
        }
        items.push_back(std::move(lowered));
    }
    (c.*Section).*Field = std::move(items);
    return {};
}

template <auto Section, auto Field>
Result<void> secret(Config& c, std::string_view v) {
    (c.*Section).*Field = Secret(std::string(v));
    return {};
}

template <auto Section, auto Field, int Min, int Max>
Result<void> integer(Config& c, std::string_view v) {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < Min || n > Max) {
        return bad_value("expected a whole number from " + std::to_string(Min) + " to " +
                         std::to_string(Max));
    }
    (c.*Section).*Field = n;
    return {};
}

template <auto Section, auto Field>
Result<void> boolean(Config& c, std::string_view v) {
    if (v == "true" || v == "yes" || v == "on" || v == "1") {
        (c.*Section).*Field = true;
    } else if (v == "false" || v == "no" || v == "off" || v == "0") {
        (c.*Section).*Field = false;
    } else {
        return bad_value("expected true or false");
    }
    return {};
}

// A unix socket path or a TCP address (core/listen_address.h); kept as
// text, which is what the master compares on reload.
template <auto Section, auto Field>
Result<void> listen_address(Config& c, std::string_view v) {
    auto address = parse_listen_address(v);
    if (!address) return bad_value(address.error().detail);
    (c.*Section).*Field = std::string(v);
    return {};
}

Result<void> ip_ranges(Config& c, std::string_view v) {
    auto ranges = parse_ip_ranges(v);
    if (!ranges) return bad_value(ranges.error().detail);
    c.server.fastcgi_peers = std::move(*ranges);
    return {};
}

Result<void> file_mode(Config& c, std::string_view v) {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n, 8);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 0777) {
        return bad_value("expected an octal file mode such as 0660");
    }
    c.server.socket_mode = n;
    return {};
}

Result<void> log_level(Config& c, std::string_view v) {
    if (!log::parse_level(v, &c.server.log_level)) {
        return bad_value("expected debug, info, warn or error");
    }
    return {};
}

Result<void> jws_alg(Config& c, std::string_view v) {
    if (!parse_alg(v, &c.tokens.alg)) return bad_value("expected ES256, EdDSA, RS256 or PS256");
    return {};
}

// The portal's origin; empty means the issuer's.  Parsed after [tokens]
// issuer (table order).
Result<void> public_url(Config& c, std::string_view v) {
    if (v.ends_with('/')) v.remove_suffix(1);
    const size_t authority = v.find("://");
    if (!v.empty() && (authority == std::string_view::npos ||
                       v.find_first_of("/?#", authority + 3) != std::string_view::npos)) {
        return bad_value("expected an origin without a path, such as https://auth.example.com");
    }
    auto origin = origin_of(v.empty() ? std::string_view(c.tokens.issuer) : v);
    if (!origin) return bad_value("expected an origin such as https://auth.example.com");
    c.http.public_url = std::move(*origin);
    return {};
}

// Letters, digits, '_' and '-' only: the pool id is a path segment of the
// JWKS URL and the client id is compared as sent.
template <auto Section, auto Field>
Result<void> aws_id(Config& c, std::string_view v) {
    if (v.size() > 128) return bad_value("at most 128 characters");
    for (char ch : v) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        if (!ok) return bad_value("only letters, digits, '_' and '-'");
    }
    (c.*Section).*Field = std::string(v);
    return {};
}

// KEYID:SECRET pairs, comma-separated; kept as one secret and split where
// requests are verified (cognito/sigv4.h).
Result<void> admin_keys(Config& c, std::string_view v) {
    size_t start = 0;
    while (start <= v.size()) {
        size_t comma = v.find(',', start);
        std::string_view item =
            v.substr(start, comma == std::string_view::npos ? v.npos : comma - start);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        const size_t colon = item.find(':');
        if (!item.empty() &&
            (colon == std::string_view::npos || colon == 0 || colon + 1 == item.size())) {
            return bad_value("expected KEYID:SECRET pairs, comma-separated");
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    c.cognito.admin_keys = Secret(std::string(v));
    return {};
}

Result<void> mail_transport(Config& c, std::string_view v) {
    if (v != "file" && v != "smtp") return bad_value("expected file or smtp");
    c.mail.transport = std::string(v);
    return {};
}

using S = Config::Server;
using D = Config::Database;
using K = Config::Cache;
using Ke = Config::Keys;
using T = Config::Tokens;
using A = Config::Accounts;
using P = Config::Passwords;
using M = Config::Mail;
using L = Config::Limits;
using MF = Config::Mfa;
using H = Config::Http;
constexpr auto kHttp = &Config::http;
constexpr auto kMfa = &Config::mfa;
using LO = Config::Lockout;
using CG = Config::Cognito;
constexpr auto kCognito = &Config::cognito;
constexpr auto kLimits = &Config::limits;
constexpr auto kLockout = &Config::lockout;
constexpr auto kKeys = &Config::keys;
constexpr auto kTokens = &Config::tokens;
constexpr auto kAccounts = &Config::accounts;
constexpr auto kPasswords = &Config::passwords;
constexpr auto kMail = &Config::mail;
constexpr auto kServer = &Config::server;
constexpr auto kDatabase = &Config::database;
constexpr auto kCache = &Config::cache;

const Option kOptions[] = {
    {"server", "api_socket", "/run/authd/api.sock",
     "FastCGI socket of the api pool (nginx fastcgi_pass): a /path for a unix socket, or "
     "IPv4:PORT or [IPv6]:PORT for TCP (no host names; 0.0.0.0 or [::] only if written); "
     "a change takes effect on restart, not reload",
     listen_address<kServer, &S::api_socket>},
    {"server", "validate_socket", "/run/authd/validate.sock",
     "FastCGI socket of the validate pool (nginx auth_request); same forms and restart rule as "
     "api_socket",
     listen_address<kServer, &S::validate_socket>},
    {"server", "socket_mode", "0660", "permissions of the unix sockets (octal)", file_mode},
    {"server", "fastcgi_peers", "",
     "comma-separated addresses or CIDR ranges (10.0.0.0/24, fd00::/64) allowed to connect to a "
     "TCP socket; required when a socket is TCP; others are closed unread and logged "
     "(fastcgi_peer_refused); unix sockets ignore it",
     ip_ranges},
    {"server", "api_workers", "4", "processes in the api pool",
     integer<kServer, &S::api_workers, 1, 256>},
    {"server", "validate_workers", "2", "processes in the validate pool",
     integer<kServer, &S::validate_workers, 1, 256>},
    {"server", "shutdown_timeout", "30", "seconds a worker may take to finish on stop or reload",
     integer<kServer, &S::shutdown_timeout, 1, 3600>},
    {"server", "log_level", "info", "debug, info, warn or error", log_level},
    {"database", "url", "host=/var/run/postgresql dbname=authd user=authd",
     "libpq conninfo or postgresql:// URI (put the password in password or password_file)",
     required_text<kDatabase, &D::url>},
    {"database", "password", "", "database password", secret<kDatabase, &D::password>, true},
    {"database", "connect_timeout", "5", "seconds to wait for a database connection",
     integer<kDatabase, &D::connect_timeout, 1, 300>},
    {"database", "statement_timeout_ms", "5000",
     "milliseconds a statement may run, waiting for a lock included, before Postgres cancels it "
     "and the request answers 503 (0: no limit; authctl migrate never has one)",
     integer<kDatabase, &D::statement_timeout_ms, 0, 600000>},
    {"database", "prepared_statements", "true",
     "use server-side prepared statements (false for PgBouncer transaction pooling)",
     boolean<kDatabase, &D::prepared_statements>},
    {"cache", "servers", "127.0.0.1:11211",
     "memcached servers, comma-separated host:port, [IPv6]:port or /path/to/socket; the same "
     "list on every host (a consistent-hashing ring of the names as written)",
     required_text<kCache, &K::servers>},
    {"cache", "timeout_ms", "200", "memcached connect/read/write timeout in milliseconds",
     integer<kCache, &K::timeout_ms, 1, 60000>},
    {"keys", "dir", "/var/lib/authd/keys", "key directory made by authctl keys init",
     required_text<kKeys, &Ke::dir>},
    {"tokens", "issuer", "http://127.0.0.1:8080", "iss of every token: the public base URL",
     required_text<kTokens, &T::issuer>},
    {"tokens", "audience", "authd", "aud of every token", required_text<kTokens, &T::audience>},
    {"tokens", "algorithm", "ES256", "signing algorithm: ES256, EdDSA, RS256 or PS256", jws_alg},
    {"tokens", "access_ttl", "900", "seconds an access or id token lives",
     integer<kTokens, &T::access_ttl, 5, 86400>},
    {"tokens", "session_ttl", "86400", "seconds a login session lives (fixed at login)",
     integer<kTokens, &T::session_ttl, 60, 31536000>},
    {"tokens", "remember_me_ttl", "2592000", "seconds a rememberMe session lives",
     integer<kTokens, &T::remember_me_ttl, 60, 31536000>},
    {"tokens", "refresh_grace", "10",
     "seconds a spent refresh token may be presented again (0 = strict)",
     integer<kTokens, &T::refresh_grace, 0, 300>},
    {"tokens", "leeway", "30",
     "seconds a token's iat may be ahead of this host's clock (exp is strict)",
     integer<kTokens, &T::leeway, 0, 30>},
    {"accounts", "verification_ttl", "86400", "seconds an email verification code lives",
     integer<kAccounts, &A::verification_ttl, 1, 604800>},
    {"accounts", "code_max_attempts", "5", "wrong tries that burn an email code",
     integer<kAccounts, &A::code_max_attempts, 1, 100>},
    {"accounts", "unverified_ttl", "604800", "seconds before an unverified account is purged",
     integer<kAccounts, &A::unverified_ttl, 60, 31536000>},
    {"accounts", "reset_ttl", "3600", "seconds a password reset code lives",
     integer<kAccounts, &A::reset_ttl, 60, 86400>},
    {"passwords", "argon2_memory_kib", "19456", "Argon2id memory cost in KiB",
     integer<kPasswords, &P::argon2_memory_kib, 8, 4194304>},
    {"passwords", "argon2_iterations", "2", "Argon2id time cost",
     integer<kPasswords, &P::argon2_iterations, 1, 100>},
    {"passwords", "argon2_parallelism", "1", "Argon2id lanes",
     integer<kPasswords, &P::argon2_parallelism, 1, 64>},
    {"passwords", "min_length", "8", "shortest password, in characters",
     integer<kPasswords, &P::min_length, 1, 1024>},
    {"passwords", "max_length", "128", "longest password, in characters",
     integer<kPasswords, &P::max_length, 8, 4096>},
    {"passwords", "require_upper", "true", "a password needs an uppercase letter",
     boolean<kPasswords, &P::require_upper>},
    {"passwords", "require_lower", "true", "a password needs a lowercase letter",
     boolean<kPasswords, &P::require_lower>},
    {"passwords", "require_digit", "true", "a password needs a digit",
     boolean<kPasswords, &P::require_digit>},
    {"passwords", "require_symbol", "true",
     "a password needs a character that is not a letter or digit",
     boolean<kPasswords, &P::require_symbol>},
    {"passwords", "forbid_personal", "true",
     "a password may not contain the email's local part or a name of 3+ characters",
     boolean<kPasswords, &P::forbid_personal>},
    {"passwords", "banned_file", "", "file of banned passwords, one per line (empty: none)",
     text<kPasswords, &P::banned_file>},
    {"limits", "login_per_ip", "30", "logins per client IP (IPv6: per /64) per window",
     integer<kLimits, &L::login_per_ip, 1, 1000000>},
    {"limits", "login_window", "900", "seconds of the login window",
     integer<kLimits, &L::login_window, 1, 86400>},
    {"limits", "register_per_ip", "10", "registrations per client IP per window",
     integer<kLimits, &L::register_per_ip, 1, 1000000>},
    {"limits", "register_window", "3600", "seconds of the registration window",
     integer<kLimits, &L::register_window, 1, 86400>},
    {"limits", "forgot_per_email", "3", "password reset requests per email per window",
     integer<kLimits, &L::forgot_per_email, 1, 1000000>},
    {"limits", "forgot_per_ip", "30",
     "password reset requests per client IP per window, whatever the email",
     integer<kLimits, &L::forgot_per_ip, 1, 1000000>},
    {"limits", "forgot_window", "3600", "seconds of the forgot-password window",
     integer<kLimits, &L::forgot_window, 1, 86400>},
    {"limits", "resend_per_email", "3", "verification resends per email per window",
     integer<kLimits, &L::resend_per_email, 1, 1000000>},
    {"limits", "resend_per_ip", "30",
     "verification resends per client IP per window, whatever the email",
     integer<kLimits, &L::resend_per_ip, 1, 1000000>},
    {"limits", "resend_window", "3600", "seconds of the resend-verification window",
     integer<kLimits, &L::resend_window, 1, 86400>},
    {"limits", "reset_per_ip", "30",
     "password resets (code + new password) per client IP per window",
     integer<kLimits, &L::reset_per_ip, 1, 1000000>},
    {"limits", "reset_window", "900", "seconds of the password reset window",
     integer<kLimits, &L::reset_window, 1, 86400>},
    {"limits", "verify_email_per_ip", "60", "email verifications per client IP per window",
     integer<kLimits, &L::verify_email_per_ip, 1, 1000000>},
    {"limits", "verify_email_window", "900", "seconds of the email verification window",
     integer<kLimits, &L::verify_email_window, 1, 86400>},
    {"limits", "mfa_verify_per_ip", "60",
     "second login steps (`mfa/verify` and the login page's code) per client IP per window",
     integer<kLimits, &L::mfa_verify_per_ip, 1, 1000000>},
    {"limits", "mfa_verify_window", "900", "seconds of the second-step window",
     integer<kLimits, &L::mfa_verify_window, 1, 86400>},
    {"limits", "mfa_setup_per_user", "3", "2FA setups per user per window",
     integer<kLimits, &L::mfa_setup_per_user, 1, 1000000>},
    {"limits", "mfa_setup_window", "3600", "seconds of the 2FA setup window",
     integer<kLimits, &L::mfa_setup_window, 1, 86400>},
    {"limits", "recheck_per_user", "20",
     "requests per user per window that ask a signed-in user's password or code again "
     "(mfa/backup-codes, mfa/disable, password/change, DELETE /users/profile)",
     integer<kLimits, &L::recheck_per_user, 1, 1000000>},
    {"limits", "recheck_window", "900", "seconds of the re-check window",
     integer<kLimits, &L::recheck_window, 1, 86400>},
    {"limits", "shared_slots", "65536",
     "counters in shared memory that keep limits per host while memcached is down (a full table "
     "forgets its least-used counters; it never refuses anyone)",
     integer<kLimits, &L::shared_slots, 1024, 16777216>},
    {"limits", "trusted_proxies", "",
     "comma-separated proxy addresses whose X-Forwarded-For is believed (empty: none)",
     text<kLimits, &L::trusted_proxies>},
    {"lockout", "max_failures", "5", "password and MFA-code failures that lock an account",
     integer<kLockout, &LO::max_failures, 1, 1000>},
    {"lockout", "window", "900", "seconds in which the failures are counted",
     integer<kLockout, &LO::window, 1, 86400>},
    {"lockout", "duration", "900", "seconds an account stays locked",
     integer<kLockout, &LO::duration, 1, 86400>},
    {"http", "redirect_hosts", "",
     "hosts that /auth/redirect and the login page's rd may send a browser to (comma-separated)",
     lower_list<kHttp, &H::redirect_hosts>},
    {"http", "cors_origins", "",
     "origins (scheme://host[:port]) allowed to call the API from a browser (comma-separated)",
     lower_list<kHttp, &H::cors_origins>},
    {"http", "public_url", "",
     "the portal's origin (scheme://host[:port]) where browsers sign in; empty: the issuer's",
     public_url},
    {"http", "cookie_domain", "",
     "Domain attribute of the access cookie (empty: host-only; never set for an IP address)",
     text<kHttp, &H::cookie_domain>},
    {"mfa", "issuer", "authd", "issuer name in otpauth URIs (what authenticator apps show)",
     required_text<kMfa, &MF::issuer>},
    {"mfa", "challenge_ttl", "300", "seconds an MFA sessionToken lives",
     integer<kMfa, &MF::challenge_ttl, 30, 3600>},
    {"mfa", "challenge_max_attempts", "5", "wrong codes that kill an MFA sessionToken",
     integer<kMfa, &MF::challenge_max_attempts, 1, 100>},
    {"mail", "transport", "file", "file (one .eml per message in dir) or smtp", mail_transport},
    {"mail", "dir", "/var/lib/authd/mail", "file transport: directory for messages",
     text<kMail, &M::dir>},
    {"mail", "from", "authd <no-reply@localhost>", "From: of every message",
     required_text<kMail, &M::from>},
    {"mail", "product_name", "authd", "the name shown in subjects and bodies",
     required_text<kMail, &M::product_name>},
    {"mail", "smtp_url", "smtp://127.0.0.1:25", "smtp://host:port (STARTTLS) or smtps://host:port",
     required_text<kMail, &M::smtp_url>},
    {"mail", "smtp_username", "", "SMTP AUTH user (empty: no AUTH)",
     text<kMail, &M::smtp_username>},
    {"mail", "smtp_password", "", "SMTP AUTH password", secret<kMail, &M::smtp_password>, true},
    {"mail", "smtp_starttls", "true", "require STARTTLS on smtp:// URLs",
     boolean<kMail, &M::smtp_starttls>},
    {"mail", "retry_max_backoff", "300", "longest wait between delivery attempts, in seconds",
     integer<kMail, &M::retry_max_backoff, 1, 86400>},
    {"cognito", "user_pool_id", "",
     "user pool id of the Cognito-compatible API (POST /), such as eu-west-1_authd; its JWKS is "
     "also at /<user_pool_id>/.well-known/jwks.json",
     aws_id<kCognito, &CG::user_pool_id>},
    {"cognito", "client_id", "",
     "the one app client id the Cognito-compatible API accepts (empty: that API is off)",
     aws_id<kCognito, &CG::client_id>},
    {"cognito", "client_secret", "",
     "the app client's secret; when set, every call must carry SECRET_HASH",
     secret<kCognito, &CG::client_secret>, true},
    {"cognito", "admin_keys", "",
     "access keys allowed to sign (SigV4) the admin operations, as KEYID:SECRET pairs, "
     "comma-separated (empty: admin operations refused)",
     admin_keys, true},
};

const Option* find_option(std::string_view section, std::string_view key) {
    for (const Option& o : kOptions) {
        if (o.section == section && o.key == key) return &o;
    }
    return nullptr;
}

// The parts one after another: the parser's error messages.
std::string joined(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view part : parts) out.append(part);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_word(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s) {
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
    }
    return true;
}

std::string env_name(std::string_view section, std::string_view key) {
    std::string name = "AUTHD_";
    for (char ch : section) name += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    name += '_';
    for (char ch : key) name += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    return name;
}

Result<std::string> read_secret_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return bad_value("cannot read secret file " + path);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.pop_back();
    }
    return content;
}

struct Setting {
    std::string value;
    std::string where;  // "file:line" or "environment VAR", for errors
};

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& origin) {
    // Collect settings first (file, then environment over it), then apply
    // them all in table order through the parsers.
    std::map<const Option*, Setting> settings;
    std::set<std::string> seen;
    std::string section;
    int line_no = 0;
    std::istringstream lines{std::string(text)};
    for (std::string raw; std::getline(lines, raw);) {
        ++line_no;
        const std::string where = origin + ":" + std::to_string(line_no);
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            if (line.back() != ']' || !is_word(line.substr(1, line.size() - 2))) {
                return fail(ErrorCode::invalid_input,
                            where + ": a section is a single word in brackets, like [server]");
            }
            section = std::string(line.substr(1, line.size() - 2));
            continue;
        }
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            return fail(ErrorCode::invalid_input, where + ": expected key = value");
        }
        std::string key(trim(line.substr(0, eq)));
        std::string_view value = trim(line.substr(eq + 1));
        if (section.empty()) {
            return fail(ErrorCode::invalid_input, where + ": key outside of a [section]");
        }
        bool from_file = false;
        const Option* opt = find_option(section, key);
        if (!opt && key.size() > 5 && key.ends_with("_file")) {
            opt = find_option(section, std::string_view(key).substr(0, key.size() - 5));
            if (opt && !opt->secret) opt = nullptr;
            from_file = opt != nullptr;
        }
        if (!opt) {
            return fail(ErrorCode::invalid_input,
                        joined({where, ": unknown key ", key, " in [", section, "]"}));
        }
        if (!seen.insert(section + "." + std::string(opt->key)).second) {
            return fail(ErrorCode::invalid_input,
                        joined({where, ": [", section, "] ", key, " is set twice"}));
        }
        Setting s{std::string(value), where};
        if (from_file) {
            auto content = read_secret_file(s.value);
            if (!content)
                return fail(ErrorCode::invalid_input, where + ": " + content.error().detail);
            s.value = std::move(*content);
        }
        settings[opt] = std::move(s);
    }

    for (const Option& opt : kOptions) {
        std::string name = env_name(opt.section, opt.key);
        if (const char* v = std::getenv(name.c_str())) {
            settings[&opt] = Setting{v, "environment " + name};
        }
        if (opt.secret) {
            std::string file_var = name + "_FILE";
            if (const char* path = std::getenv(file_var.c_str())) {
                auto content = read_secret_file(path);
                if (!content) {
                    return fail(ErrorCode::invalid_input,
                                "environment " + file_var + ": " + content.error().detail);
                }
                settings[&opt] = Setting{std::move(*content), "environment " + file_var};
            }
        }
    }

    Config config;
    for (const Option& opt : kOptions) {
        auto it = settings.find(&opt);
        std::string_view value = it != settings.end() ? it->second.value : opt.default_value;
        if (auto r = opt.parse(config, value); !r) {
            std::string where = it != settings.end() ? it->second.where : "default";
            return fail(ErrorCode::invalid_input, where + ": [" + std::string(opt.section) + "] " +
                                                      std::string(opt.key) + ": " +
                                                      r.error().detail);
        }
        std::string shown = opt.secret ? (value.empty() ? "" : "********") : std::string(value);
        config.effective.emplace_back(std::string(opt.section) + "." + std::string(opt.key),
                                      std::move(shown));
    }

    // NB: FastCGI params (REMOTE_ADDR, AUTHD_*) are believed as nginx's word,
    // so a TCP socket anyone can connect to would let anyone forge them:
    // there is no TCP socket without a list of who may connect.
    auto where = [&](std::string_view key) {
        auto it = settings.find(find_option("server", key));
        return it != settings.end() ? it->second.where : std::string("default");
    };
    for (std::string_view key : {"api_socket", "validate_socket"}) {
        const std::string& value =
            key == "api_socket" ? config.server.api_socket : config.server.validate_socket;
        if (!config.server.fastcgi_peers.empty() || !parse_listen_address(value)->tcp()) continue;
        const bool peers_set = settings.contains(find_option("server", "fastcgi_peers"));
        return fail(ErrorCode::invalid_input,
                    where(peers_set ? "fastcgi_peers" : key) +
                        ": [server] fastcgi_peers must list the addresses allowed to connect "
                        "(nginx's) when [server] " +
                        std::string(key) + " is TCP (" + value +
                        "): FastCGI params are trusted, so anyone who could connect could "
                        "forge them");
    }
    if (!config.cognito.client_id.empty() && config.cognito.user_pool_id.empty()) {
        return fail(ErrorCode::invalid_input,
                    "[cognito] user_pool_id must be set when [cognito] client_id is");
    }
    if (!config.cognito.user_pool_id.empty()) {
        config.tokens.pool_issuer = config.tokens.issuer + "/" + config.cognito.user_pool_id;
    }
    return config;
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::invalid_input, path + ": cannot open configuration file");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_config(text, path);
}

std::string describe_config(const Config& config) {
    std::string out;
    std::string section;
    for (const auto& [name, value] : config.effective) {
        std::string s = name.substr(0, name.find('.'));
        if (s != section) {
            if (!section.empty()) out += '\n';
            out += "[" + s + "]\n";
            section = s;
        }
        out += name.substr(name.find('.') + 1) + " = " + value + "\n";
    }
    return out;
}

std::string config_reference() {
    std::string out;
    for (const Option& o : kOptions) {
        out += "| `[" + std::string(o.section) + "] " + std::string(o.key) + "` | `" +
               std::string(o.default_value) + "` | " + std::string(o.doc) +
               (o.secret ? " (secret; also `" + std::string(o.key) + "_file`)" : "") + " |\n";
    }
    return out;
}

std::vector<OptionDoc> option_docs() {
    std::vector<OptionDoc> out;
    out.reserve(std::size(kOptions));
    for (const Option& o : kOptions) {
        out.push_back({o.section, o.key, o.default_value, o.doc, o.secret});
    }
    return out;
}

}  // namespace authd
