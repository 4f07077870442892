// keys/keyring.h
//
// The key material of one authd installation, read from a directory made
// by `authctl keys init` (every file mode 0600, the directory 0700):
//
//   signing/<ALG>.<kid>.pem   JWS signing keys; several may be present
//   hmac.key                  32 random bytes: keyed hashes of codes and emails
//   aead/<id>.key             32 random bytes each: AES-256-GCM keys; the
//                             highest id (a decimal number) encrypts, all decrypt
//
// authd refuses to start when the directory, the HMAC key, an AEAD key, or
// a signing key for the configured algorithm is missing or unreadable, and
// never creates one itself.
#pragma once

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

class Keyring {
public:
    // `sign_alg`: the algorithm new tokens are signed with.  Fails (not_found
    // for what is missing, invalid_input for what is wrong, unavailable for
    // I/O errors; the detail names the file, never key bytes) when: the
    // directory, hmac.key, every aead/<id>.key or every sign_alg key is
    // missing; a key file is not a regular file, is accessible by group or
    // others (mode & 077), or has the wrong size (raw keys exactly 32 bytes);
    // a directory is writable by group or others (mode & 022); a PEM does not
    // parse, does not fit its ALG, or its kid differs from the file name's;
    // two files hold one kid; a name does not follow the layout.  Names
    // starting with '.' are ignored.
    static Result<Keyring> load(const std::string& dir, JwsAlg sign_alg);
    // The keyring a configuration names: load([keys] dir, [tokens] algorithm).
    // What every process that signs or verifies calls.
    static Result<Keyring> load_for(const Config& config);

    // The newest key (by file modification time, then name) of sign_alg.
    const crypto::SigningKey& signing_key() const { return signing_[current_]; }
    // Every signing key present: all of them verify and are published.
    const std::vector<crypto::SigningKey>& verification_keys() const { return signing_; }
    const crypto::SigningKey* find_key(std::string_view kid) const;

    const Secret& hmac_key() const { return hmac_; }
    const AeadKey& aead_current() const;
    const AeadKey* find_aead(std::string_view id) const;

private:
    std::vector<crypto::SigningKey> signing_;
    size_t current_ = 0;
    Secret hmac_;
    std::vector<AeadKey> aead_;  // ascending id; back() is current
};

// Creates the directory (0700) with one signing key per algorithm, the HMAC
// key and AEAD key 1.  Fails if the directory already holds keys, unless
// the missing pieces are added with `add_missing`.
//
// Returns the paths of the files it created (none when nothing was
// missing).  Files are 0600 and directories it creates 0700 whatever the
// umask; an existing file is never replaced (conflict), and an existing
// directory keeps its mode.  The parent of `dir` must exist.
Result<std::vector<std::string>> init_keys(const std::string& dir, bool add_missing);

}  // namespace authd::keys
