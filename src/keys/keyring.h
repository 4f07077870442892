// keys/keyring.h
//
// The key material of one authd installation, read from a directory made
// by `authctl keys init` (every file mode 0600, the directory 0700):
//
//   signing/<ALG>.<kid>.pem          JWS signing keys.  Those of [tokens]
//                                    algorithm verify, and the newest of
//                                    them (by modification time) signs;
//                                    those of another algorithm are not
//                                    used at all (they never sign, so no
//                                    token of theirs can be alive)
//   signing/<ALG>.<kid>.from-<T>.pem the same, but the key signs only from
//                                    unix time T (`authctl keys rotate`):
//                                    it verifies and is published at once,
//                                    so every host can have it before any
//                                    host signs with it; the signer is the
//                                    newest activated key (ordered by T, or
//                                    by mtime for a name without one),
//                                    chosen at each signing, no reload
//   signing/retired/<ALG>.<kid>.pem  keys being rotated out, of any
//                                    algorithm: they never sign, and they
//                                    verify (and are published) for
//                                    retired_life seconds after they were
//                                    put there
//   hmac.key                         32 random bytes: keyed hashes of codes and emails
//   aead/<id>.key                    32 random bytes each: AES-256-GCM keys; the
//                                    highest id (a decimal number) encrypts, all decrypt
//
// "Put there" is the file's status-change time (ctime), or its
// modification time if later: mv sets the ctime (rename(2) does on Linux
// filesystems), and so do touch, cp and a restore, none of which can date a
// file back.  It errs only towards keeping a key longer.  load_for() takes
// retired_life = access_ttl + leeway + kRetiredMarginSeconds: the tokens the
// key signed until the reload that retired it live access_ttl (leeway:
// another host's clock), and the margin is the time an operator may take
// between the mv and that reload.
//
// authd refuses to start when the directory, the HMAC key, an AEAD key, or
// a signing key for the configured algorithm is missing or unreadable, and
// never creates one itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "core/secret.h"
#include "crypto/jwt.h"

namespace authd::keys {

struct AeadKey {
    std::string id;
    Secret key;
};

// How long a retired key verifies beyond the current access_ttl + leeway:
// the time an operator may take between moving a key into signing/retired/
// and the reload that stops it signing.
inline constexpr int64_t kRetiredMarginSeconds = 3600;

class Keyring {
public:
    // `sign_alg`: the algorithm new tokens are signed with; `retired_life`:
    // the seconds a key in signing/retired/ verifies after it was put
    // there.  Fails (not_found for what is missing, invalid_input for what
    // is wrong, unavailable for I/O errors; the detail names the file, never
    // key bytes) when: the directory, hmac.key, every aead/<id>.key or
    // every sign_alg key directly in signing/ is missing; a key file is not
    // a regular file, is accessible by group or others (mode & 077), or has
    // the wrong size (raw keys exactly 32 bytes); a directory is writable by
    // group or others (mode & 022); a PEM does not parse, does not fit its
    // ALG, or its kid differs from the file name's; two files hold one kid
    // (also one in signing/ and one in signing/retired/: move, do not copy);
    // a name does not follow the layout.  Every file is checked, used or
    // not.  Names starting with '.' are ignored.
    static Result<Keyring> load(const std::string& dir, JwsAlg sign_alg, int64_t retired_life);
    // The keyring a configuration names: load([keys] dir, [tokens]
    // algorithm, retired_life_for([tokens])).  What every process that
    // signs or verifies calls.
    static Result<Keyring> load_for(const Config& config);
    static int64_t retired_life_for(const Config::Tokens& tokens);

    // The newest activated key of sign_alg at `now` (the layout above);
    // signing_key() at the current time.
    const crypto::SigningKey& signing_key() const;
    const crypto::SigningKey& signing_key_at(int64_t now) const;
    // The keys that verify at `now` (unix seconds): every sign_alg key in
    // signing/, and the retired keys within their life.  What
    // /.well-known/jwks.json publishes.
    std::vector<const crypto::SigningKey*> verification_keys(int64_t now) const;
    // The key of `kid` if it verifies at `now`; nullptr otherwise (unknown,
    // of another algorithm than sign_alg and not retired, retired too long).
    const crypto::SigningKey* find_key(std::string_view kid, int64_t now) const;
    // The files in signing/ of another algorithm than sign_alg, which are
    // neither signing nor verifying: for a warning to the operator.
    const std::vector<std::string>& unused_keys() const { return unused_; }

    // Every signing key file, for `authctl keys list` and `keys retire`.
    struct KeyFileInfo {
        std::string path;
        std::string kid;
        JwsAlg alg;
        int64_t created;         // mtime, unix seconds
        int64_t activates_at;    // 0: none in the name
        bool retired;            // in signing/retired/
        bool used;               // of sign_alg, or retired
        int64_t verifies_until;  // INT64_MAX: not retired
    };
    const std::vector<KeyFileInfo>& key_files() const { return files_; }

    const Secret& hmac_key() const { return hmac_; }
    const AeadKey& aead_current() const;
    const AeadKey* find_aead(std::string_view id) const;

private:
    struct VerificationKey {
        crypto::SigningKey key;
        int64_t verifies_until;  // unix seconds (exclusive); INT64_MAX: not retired
    };
    struct Signer {
        int64_t activates_at;  // 0: none
        size_t index;          // into keys_
    };
    std::vector<VerificationKey> keys_;
    std::vector<Signer> signers_;  // ascending activation order
    std::vector<KeyFileInfo> files_;
    std::vector<std::string> unused_;
    Secret hmac_;
    std::vector<AeadKey> aead_;  // ascending id; back() is current
};

// Creates the directory (0700) with a signing key of `alg` (the configured
// algorithm: keys of others would never sign), an empty signing/retired/,
// the HMAC key and AEAD key 1.  Fails if the directory already holds keys,
// unless the missing pieces are added with `add_missing` (a signing key of
// `alg` is missing when signing/ has none; retired ones do not count).
//
// Returns the paths of the files it created (none when nothing was
// missing).  Files are 0600 and directories it creates 0700 whatever the
// umask; an existing file is never replaced (conflict), and an existing
// directory keeps its mode.  The parent of `dir` must exist.
Result<std::vector<std::string>> init_keys(const std::string& dir, JwsAlg alg, bool add_missing);

// Writes a new signing key of `alg` into dir/signing/, named with
// `activates_at` (unix seconds; 0: none, it signs as soon as it is the
// newest).  Returns its path.
Result<std::string> add_signing_key(const std::string& dir, JwsAlg alg, int64_t activates_at);

// Moves the signing key file at `path` into signing/retired/ (rename(2),
// which sets its ctime: the start of its retired life).  Returns the new path.
Result<std::string> retire_signing_key(const std::string& path);

}  // namespace authd::keys
