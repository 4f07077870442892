// authctl/key_commands.cpp
//
// Invariants:
//  - `keys rotate` never makes a key that signs at once (unless
//    --activate-in 0): the new key is named with its activation time, so
//    every host that has the file and reloaded publishes and verifies it
//    before any host signs with it (keys/keyring.h).
//  - `keys retire` refuses the key that signs now, and a key whose tokens
//    may still be valid: it signed until the next key activated, and its
//    tokens live access_ttl + leeway from then.  --force skips the second
//    check only (a retired signer would leave hosts that reload without one).
//  - The keyring is loaded (and so checked) before anything is changed, and
//    again after a rotation, so a directory authd would refuse is reported
//    here rather than at the next reload.
#include "authctl/key_commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "authctl/cli.h"
#include "json/writer.h"
#include "keys/keyring.h"

namespace authd::authctl {

namespace {

using keys::Keyring;

constexpr int64_t kDefaultActivateIn = 600;  // seconds

// The state of one key file at `now`, as `keys list` shows it.
struct KeyState {
    std::string state;  // current, next, verifying, retiring, unused
    int64_t until = 0;  // next: activation time; retiring: end of verification
};

KeyState state_of(const Keyring& ring, const Keyring::KeyFileInfo& f, int64_t now) {
    if (f.retired) return {now < f.verifies_until ? "retiring" : "expired", f.verifies_until};
    if (!f.used) return {"unused", 0};
    if (ring.signing_key_at(now).kid() == f.kid) return {"current", 0};
    if (f.activates_at > now) return {"next", f.activates_at};
    return {"verifying", 0};
}

// When the key of `f` stopped signing (at `now`): the activation of the
// first key of its algorithm ordered after it that is active now; 0 when
// it never signed (pending, of another algorithm); INT64_MAX when it still
// signs.
int64_t stopped_signing(const Keyring& ring, const Keyring::KeyFileInfo& f, int64_t now,
                        JwsAlg sign_alg) {
    if (f.alg != sign_alg || f.retired) return 0;
    if (f.activates_at > now) return 0;
    const int64_t own = f.activates_at != 0 ? f.activates_at : f.created;
    int64_t stop = std::numeric_limits<int64_t>::max();
    for (const auto& other : ring.key_files()) {
        if (other.retired || other.alg != sign_alg || other.kid == f.kid) continue;
        const int64_t at = other.activates_at != 0 ? other.activates_at : other.created;
        if (at > now || at < own) continue;
        stop = std::min(stop, at);
    }
    return stop;
}

Result<Keyring> load(const Config& config, const char* command) {
    auto ring = Keyring::load_for(config);
    if (!ring) std::fprintf(stderr, "authctl: keys %s: %s\n", command, ring.error().detail.c_str());
    return ring;
}

int keys_init(const Config& config, bool add_missing) {
    auto created = keys::init_keys(config.keys.dir, config.tokens.alg, add_missing);
    if (!created) {
        std::fprintf(stderr, "authctl: keys init: %s\n", created.error().detail.c_str());
        return 1;
    }
    for (const auto& path : *created) std::printf("created %s\n", path.c_str());
    if (created->empty()) {
        std::printf("all keys present in %s\n", config.keys.dir.c_str());
        return 0;
    }
    // Best effort: keys are made before there is a database (a package's
    // postinst, a first `dev.sh up`), so an unreachable one is no failure.
    (void)record_operator_change(config, "keys init", "keys_created",
                                 {{"files", joined(*created)}});
    return 0;
}

int keys_list(const Config& config, bool as_json) {
    auto ring = load(config, "list");
    if (!ring) return 1;
    const int64_t now = ::time(nullptr);
    if (as_json) {
        json::Writer w;
        w.begin_array();
        for (const auto& f : ring->key_files()) {
            const KeyState s = state_of(*ring, f, now);
            w.begin_object();
            w.key("kid").string(f.kid);
            w.key("algorithm").string(alg_name(f.alg));
            w.key("created").string(rfc3339(f.created));
            w.key("state").string(s.state);
            if (s.until != 0) w.key("until").string(rfc3339(s.until));
            w.key("file").string(f.path);
            w.end_object();
        }
        w.end_array();
        std::printf("%s\n", std::move(w).str().c_str());
        return 0;
    }
    std::printf("%-44s %-6s %-20s %s\n", "KID", "ALG", "CREATED", "STATE");
    for (const auto& f : ring->key_files()) {
        const KeyState s = state_of(*ring, f, now);
        std::string state = s.state;
        if (s.state == "next") state += " (signs from " + rfc3339(s.until) + ")";
        if (s.state == "retiring") state += " (verifies until " + rfc3339(s.until) + ")";
        std::printf("%-44s %-6s %-20s %s\n", f.kid.c_str(), std::string(alg_name(f.alg)).c_str(),
                    rfc3339(f.created).c_str(), state.c_str());
    }
    return 0;
}

int keys_rotate(const Config& config, JwsAlg alg, int64_t activate_in) {
    if (!load(config, "rotate")) return 1;
    const int64_t now = ::time(nullptr);
    const int64_t activates_at = activate_in > 0 ? now + activate_in : 0;
    auto path = keys::add_signing_key(config.keys.dir, alg, activates_at);
    if (!path) {
        std::fprintf(stderr, "authctl: keys rotate: %s\n", path.error().detail.c_str());
        return 1;
    }
    if (!load(config, "rotate")) return 1;
    std::printf("created %s\n", path->c_str());
    if (alg != config.tokens.alg) {
        std::printf("it signs only once [tokens] algorithm = %s (then reload)\n",
                    std::string(alg_name(alg)).c_str());
    } else if (activates_at != 0) {
        std::printf("it is published now and signs from %s, without another reload\n",
                    rfc3339(activates_at).c_str());
    }
    std::printf(
        "every host must have this file and reload before then: copy it (mode 0600, owner\n"
        "authd) into %s/signing/ on every other host, then run `systemctl reload authd`\n"
        "on every host (this one too); hosts that do not have it refuse its tokens\n",
        config.keys.dir.c_str());
    const std::string activates = activates_at != 0 ? rfc3339(activates_at) : "at reload";
    return record_operator_change(
               config, "keys rotate", "key_rotated",
               {{"file", *path}, {"algorithm", alg_name(alg)}, {"signs_from", activates}})
               ? 0
               : kExitUnavailable;
}

int keys_retire(const Config& config, std::string_view kid, bool force) {
    auto ring = load(config, "retire");
    if (!ring) return 1;
    const int64_t now = ::time(nullptr);
    const Keyring::KeyFileInfo* found = nullptr;
    for (const auto& f : ring->key_files()) {
        if (f.kid == kid) found = &f;
    }
    if (found == nullptr) {
        std::fprintf(stderr, "authctl: keys retire: no signing key with kid %s\n",
                     std::string(kid).c_str());
        return 1;
    }
    if (found->retired) {
        std::fprintf(stderr, "authctl: keys retire: %s is already in signing/retired/\n",
                     found->path.c_str());
        return 1;
    }
    if (ring->signing_key_at(now).kid() == kid) {
        std::fprintf(stderr,
                     "authctl: keys retire: %s is the current signing key; rotate first "
                     "(authctl keys rotate)\n",
                     std::string(kid).c_str());
        return 1;
    }
    const int64_t stop = stopped_signing(*ring, *found, now, config.tokens.alg);
    const int64_t tokens_until =
        stop == 0 ? 0
                  : stop + static_cast<int64_t>(config.tokens.access_ttl) + config.tokens.leeway;
    if (!force && now < tokens_until) {
        std::fprintf(stderr,
                     "authctl: keys retire: tokens signed by %s may be valid until %s; retire "
                     "it after then, or use --force (those tokens are then refused once the "
                     "retired key's hour is over)\n",
                     std::string(kid).c_str(), rfc3339(tokens_until).c_str());
        return 1;
    }
    auto moved = keys::retire_signing_key(found->path);
    if (!moved) {
        std::fprintf(stderr, "authctl: keys retire: %s\n", moved.error().detail.c_str());
        return 1;
    }
    std::printf("moved to %s; it verifies until %s\n", moved->c_str(),
                rfc3339(now + Keyring::retired_life_for(config.tokens)).c_str());
    std::printf(
        "move it on every other host too and run `systemctl reload authd` on each; delete the\n"
        "file after then\n");
    return record_operator_change(
               config, "keys retire", "key_retired",
               {{"kid", kid}, {"file", *moved}, {"forced", force ? "yes" : "no"}})
               ? 0
               : kExitUnavailable;
}

}  // namespace

const char* keys_usage() {
    return "  keys init [--add-missing]\n"
           "                          create the key directory ([keys] dir): a signing key\n"
           "                          of [tokens] algorithm, HMAC and AEAD keys;\n"
           "                          --add-missing only adds what is not there yet (safe\n"
           "                          to run again)\n"
           "  keys list [--json]      the signing keys: kid, algorithm, created, state\n"
           "                          (current, next, verifying, retiring, unused)\n"
           "  keys rotate [--algorithm A] [--activate-in DURATION]\n"
           "                          add a signing key that is published at once and signs\n"
           "                          from DURATION (default 10m) on; every host must get it\n"
           "                          and reload before then\n"
           "  keys retire KID [--force]\n"
           "                          move a key to signing/retired/; refused for the current\n"
           "                          key, and while its tokens may be valid unless --force\n";
}

int run_keys_command(const Config& config, int argc, char** argv, int first) {
    if (first >= argc) return 64;
    const std::string_view sub = argv[first];
    bool add_missing = false;
    bool as_json = false;
    bool force = false;
    JwsAlg alg = config.tokens.alg;
    int64_t activate_in = kDefaultActivateIn;
    std::string_view kid;
    for (int k = first + 1; k < argc; ++k) {
        const std::string_view arg = argv[k];
        if (arg == "--add-missing" && sub == "init") {
            add_missing = true;
        } else if (arg == "--json" && sub == "list") {
            as_json = true;
        } else if (arg == "--force" && sub == "retire") {
            force = true;
        } else if (arg == "--algorithm" && sub == "rotate" && k + 1 < argc) {
            if (!parse_alg(argv[++k], &alg)) return 64;
        } else if (arg == "--activate-in" && sub == "rotate" && k + 1 < argc) {
            const auto seconds = parse_duration(argv[++k]);
            if (!seconds) return 64;
            activate_in = *seconds;
        } else if (sub == "retire" && kid.empty() && !arg.starts_with("-")) {
            kid = arg;
        } else {
            return 64;
        }
    }
    if (sub == "init") return keys_init(config, add_missing);
    if (sub == "list") return keys_list(config, as_json);
    if (sub == "rotate") return keys_rotate(config, alg, activate_in);
    if (sub == "retire" && !kid.empty()) return keys_retire(config, kid, force);
    return 64;
}

}  // namespace authd::authctl
