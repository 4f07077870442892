// keys/keyring.cpp
//
// Reads and creates the key directory described in keyring.h.
//
// Invariants:
//  - load() either returns a complete keyring (a signing key of the
//    configured algorithm, the HMAC key, at least one AEAD key) or fails,
//    naming the file at fault.  Error details carry paths, sizes, modes and
//    kids, never key bytes.
//  - Like ssh, a key file that its group or others may access (mode & 077)
//    is refused, as is a key directory they may write to (mode & 022).
//    Permissions are checked on the open descriptor (fstat), so the file
//    that is checked is the file that is read.
//  - A signing key's file name must carry the kid computed from the key: a
//    renamed or swapped file is refused rather than published under a kid
//    that lies.
//  - Which signing keys verify is decided here, once, from the layout
//    (keyring.h): a key of another algorithm directly in signing/ never
//    signed under this configuration, so it verifies nothing; a retired
//    key carries the end of its life, checked at every lookup, so a worker
//    that runs for days drops it on time without a reload.
//  - Names starting with '.' are ignored: init_keys writes there first and
//    only link()s a complete file under its real name, so a crash leaves no
//    half-written key behind a real name.  link() also refuses to replace an
//    existing file, which makes every creation exclusive.
//  - init_keys sets modes with fchmod, so the umask cannot widen them.
#include "keys/keyring.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <set>
#include <utility>

#include "core/c_ptr.h"
#include "core/unique_fd.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace authd::keys {

namespace {

using crypto::SigningKey;
using DirPtr = CPtr<DIR, closedir>;

constexpr size_t kRawKeySize = 32;
constexpr size_t kMaxPemSize = size_t{64} * 1024;
constexpr std::string_view kHmacName = "hmac.key";
constexpr std::string_view kSigningDir = "signing";
constexpr std::string_view kRetiredDir = "retired";  // inside signing/
constexpr std::string_view kAeadDir = "aead";
constexpr std::string_view kPemSuffix = ".pem";
constexpr std::string_view kKeySuffix = ".key";
constexpr std::string_view kFromMarker = ".from-";  // activation time in a signing key's name

std::string join(std::string_view dir, std::string_view name) {
    std::string out(dir);
    if (!out.empty() && out.back() != '/') out.push_back('/');
    out += name;
    return out;
}

std::string errno_text(int err) { return std::strerror(err); }

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

struct OpenFile {
    UniqueFd fd;
    struct stat st;
};

// open(2) and fstat(2) of `path`; not_found when it does not exist.
Result<OpenFile> open_and_stat(const std::string& path, int flags) {
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd) {
        const int err = errno;
        if (err == ENOENT) return fail(ErrorCode::not_found, path + " does not exist");
        return fail(ErrorCode::unavailable, "cannot open " + path + ": " + errno_text(err));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return fail(ErrorCode::unavailable, "cannot stat " + path + ": " + errno_text(errno));
    }
    return OpenFile{std::move(fd), st};
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Opens a key directory for listing; refuses one that group or others may
// write to.  not_found when it does not exist.
Result<DirPtr> open_dir(const std::string& path) {
    auto opened = open_and_stat(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!opened) return Unexpected{opened.error()};
    UniqueFd& fd = opened->fd;
    const struct stat& st = opened->st;
    if ((st.st_mode & 022) != 0) {
        return fail(ErrorCode::invalid_input, path + " is writable by group or others (mode " +
                                                  mode_text(st.st_mode) + "); chmod 700 it");
    }
    DirPtr dir(::fdopendir(fd.get()));
    if (!dir) {
        return fail(ErrorCode::unavailable, "cannot list " + path + ": " + errno_text(errno));
    }
    (void)fd.release();  // the DIR owns it now
    return dir;
}

// The names in a directory, '.'-prefixed ones left out, sorted.
Result<std::vector<std::string>> list_names(DIR* dir, const std::string& path) {
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir);
        if (entry == nullptr) {
            if (errno != 0) {
                return fail(ErrorCode::unavailable,
                            "cannot list " + path + ": " + errno_text(errno));
            }
            break;
        }
        if (entry->d_name[0] == '.') continue;
        names.emplace_back(entry->d_name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

struct KeyFile {
    Secret bytes;
    timespec mtime{};
    timespec ctime{};
};

// Reads a key file of at most max_size bytes: a regular file that neither
// its group nor others may access.
Result<KeyFile> read_key_file(const std::string& path, size_t max_size) {
    // O_NONBLOCK: a FIFO planted under a key's name must not hang startup.
    auto opened = open_and_stat(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (!opened) return Unexpected{opened.error()};
    const UniqueFd& fd = opened->fd;
    const struct stat& st = opened->st;
    if (!S_ISREG(st.st_mode)) {
        return fail(ErrorCode::invalid_input, path + " is not a regular file");
    }
    // NB: checked before reading, on the descriptor that is read.
    if ((st.st_mode & 077) != 0) {
        return fail(ErrorCode::invalid_input, path + " is accessible by group or others (mode " +
                                                  mode_text(st.st_mode) +
                                                  "); key files must be mode 600");
    }
    // One byte of room past the limit tells "too large" from "exactly full".
    std::string buf(max_size + 1, '\0');
    size_t got = 0;
    while (got < buf.size()) {
        const ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            OPENSSL_cleanse(buf.data(), buf.size());
            return fail(ErrorCode::unavailable, "cannot read " + path + ": " + errno_text(err));
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    if (got > max_size) {
        OPENSSL_cleanse(buf.data(), buf.size());
        return fail(ErrorCode::invalid_input,
                    path + " is larger than " + std::to_string(max_size) + " bytes");
    }
    buf.resize(got);  // the capacity (and its bytes) stays with the Secret, which wipes it
    return KeyFile{Secret(std::move(buf)), st.st_mtim, st.st_ctim};
}

Result<Secret> read_raw_key(const std::string& path) {
    auto file = read_key_file(path, kRawKeySize);
    if (!file) return fail(file.error().code, file.error().detail);
    if (file->bytes.size() != kRawKeySize) {
        return fail(ErrorCode::invalid_input, path + " must hold exactly 32 bytes, it holds " +
                                                  std::to_string(file->bytes.size()));
    }
    return std::move(file->bytes);
}

// "<decimal>.key" with a canonical id (no sign, no leading zero, not 0).
bool parse_aead_name(std::string_view name, uint64_t* id) {
    if (!ends_with(name, kKeySuffix)) return false;
    const std::string_view digits = name.substr(0, name.size() - kKeySuffix.size());
    if (digits.empty() || digits.size() > 9 || digits[0] == '0') return false;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *id);
    return ec == std::errc() && end == digits.data() + digits.size();
}

// "<ALG>.<kid>.pem" or "<ALG>.<kid>.from-<unix seconds>.pem"; *activates_at
// is 0 for the first form.
bool parse_signing_name(std::string_view name, JwsAlg* alg, std::string_view* kid,
                        int64_t* activates_at) {
    if (!ends_with(name, kPemSuffix)) return false;
    std::string_view stem = name.substr(0, name.size() - kPemSuffix.size());
    *activates_at = 0;
    if (const size_t from = stem.rfind(kFromMarker); from != std::string_view::npos) {
        const std::string_view digits = stem.substr(from + kFromMarker.size());
        if (digits.empty() || digits.size() > 12 || digits[0] == '0') return false;
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), *activates_at);
        if (ec != std::errc() || end != digits.data() + digits.size()) return false;
        stem = stem.substr(0, from);
    }
    const size_t dot = stem.find('.');
    if (dot == std::string_view::npos || dot + 1 >= stem.size()) return false;
    *kid = stem.substr(dot + 1);
    if (kid->find('.') != std::string_view::npos) return false;
    return parse_alg(stem.substr(0, dot), alg);
}

// One signing key file, read and checked against its name.
struct SigningFile {
    std::string path;
    crypto::SigningKey key;
    KeyFile file;
    int64_t activates_at;  // 0: no activation time in the name
};

// Every key in one signing directory (signing/ or signing/retired/);
// `skip` names a subdirectory to leave out of the listing.  not_found when
// the directory does not exist.
Result<std::vector<SigningFile>> read_signing_dir(const std::string& path, std::string_view skip) {
    auto handle = open_dir(path);
    if (!handle) return Unexpected{handle.error()};
    auto names = list_names(handle->get(), path);
    if (!names) return Unexpected{names.error()};
    std::vector<SigningFile> out;
    for (const std::string& name : *names) {
        if (!skip.empty() && name == skip) continue;
        const std::string file_path = join(path, name);
        JwsAlg alg{};
        std::string_view kid;
        int64_t activates_at = 0;
        if (!parse_signing_name(name, &alg, &kid, &activates_at)) {
            return fail(ErrorCode::invalid_input,
                        "unexpected file " + file_path +
                            " (signing keys are named <ALG>.<kid>.pem or "
                            "<ALG>.<kid>.from-<unix time>.pem, ALG one of ES256, "
                            "EdDSA, RS256, PS256)");
        }
        auto file = read_key_file(file_path, kMaxPemSize);
        if (!file) return fail(file.error().code, file.error().detail);
        auto key = SigningKey::from_private_pem(file->bytes.reveal(), alg);
        if (!key) return fail(ErrorCode::invalid_input, file_path + ": " + key.error().detail);
        if (key->kid() != kid) {
            return fail(ErrorCode::invalid_input, file_path + ": the file name says kid " +
                                                      std::string(kid) + " but the key's kid is " +
                                                      key->kid());
        }
        out.push_back({file_path, std::move(*key), std::move(*file), activates_at});
    }
    return out;
}

// When a retired key was put into signing/retired/: its ctime (rename and
// copy set it; nothing can set it back), or its mtime if that is later.
int64_t retired_at(const KeyFile& file) { return std::max(file.ctime.tv_sec, file.mtime.tv_sec); }

struct AeadEntry {
    uint64_t id;
    AeadKey key;
};

Result<std::vector<AeadKey>> load_aead(const std::string& dir) {
    const std::string path = join(dir, kAeadDir);
    auto handle = open_dir(path);
    if (!handle) return fail(handle.error().code, handle.error().detail);
    auto names = list_names(handle->get(), path);
    if (!names) return fail(names.error().code, names.error().detail);

    std::vector<AeadEntry> entries;
    for (const std::string& name : *names) {
        uint64_t id = 0;
        const std::string file = join(path, name);
        if (!parse_aead_name(name, &id)) {
            return fail(ErrorCode::invalid_input,
                        "unexpected file " + file + " (AEAD keys are named <id>.key)");
        }
        auto key = read_raw_key(file);
        if (!key) return fail(key.error().code, key.error().detail);
        entries.push_back({id, AeadKey{std::to_string(id), std::move(*key)}});
    }
    if (entries.empty()) return fail(ErrorCode::not_found, "no AEAD key in " + path);
    std::sort(entries.begin(), entries.end(),
              [](const AeadEntry& a, const AeadEntry& b) { return a.id < b.id; });
    std::vector<AeadKey> out;
    out.reserve(entries.size());
    for (AeadEntry& e : entries) out.push_back(std::move(e.key));
    return out;
}

// Writes `content` to dir/name, which must not exist yet, with mode 0600.
// Returns the path.
Result<std::string> create_key_file(const std::string& dir, const std::string& name,
                                    std::string_view content) {
    const std::string path = join(dir, name);
    const std::string tmp =
        join(dir, "." + name + ".tmp-" + crypto::hex_encode(crypto::random_bytes(8)));
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        return fail(ErrorCode::unavailable, "cannot create " + tmp + ": " + errno_text(errno));
    }
    const auto give_up = [&](const std::string& what) {
        const int err = errno;
        fd.close();
        ::unlink(tmp.c_str());
        return fail(ErrorCode::unavailable, what + ": " + errno_text(err));
    };
    if (::fchmod(fd.get(), 0600) != 0) return give_up("cannot chmod " + tmp);
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return give_up("cannot write " + tmp);
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return give_up("cannot sync " + tmp);
    if (!fd.close()) return give_up("cannot close " + tmp);
    // link() fails with EEXIST instead of replacing: exclusive creation
    // of a complete file.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        if (err == EEXIST) return fail(ErrorCode::conflict, path + " already exists");
        return fail(ErrorCode::unavailable, "cannot create " + path + ": " + errno_text(err));
    }
    ::unlink(tmp.c_str());
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd || ::fsync(dir_fd.get()) != 0) {
        return fail(ErrorCode::unavailable, "cannot sync " + dir + ": " + errno_text(errno));
    }
    return path;
}

// Creates `path` as a directory with mode 0700 unless it exists already (an
// existing directory keeps its mode).
Result<void> ensure_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0) {
        const int err = errno;
        struct stat st {};
        if (err == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
        if (err == EEXIST) return fail(ErrorCode::conflict, path + " exists and is no directory");
        return fail(ErrorCode::unavailable, "cannot create " + path + ": " + errno_text(err));
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd || ::fchmod(fd.get(), 0700) != 0) {
        return fail(ErrorCode::unavailable, "cannot chmod " + path + ": " + errno_text(errno));
    }
    return {};
}

// The non-hidden names in `path`; none when it does not exist.
std::vector<std::string> names_in(const std::string& path) {
    std::vector<std::string> names;
    const DirPtr dir(::opendir(path.c_str()));
    if (!dir) return names;
    while (const dirent* entry = ::readdir(dir.get())) {
        if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

Result<Keyring> Keyring::load(const std::string& dir, JwsAlg sign_alg, int64_t retired_life) {
    {
        auto top = open_dir(dir);
        if (!top) {
            if (top.error().code == ErrorCode::not_found) {
                return fail(ErrorCode::not_found, "key directory " + dir +
                                                      " does not exist (create it with "
                                                      "authctl keys init)");
            }
            return fail(top.error().code, top.error().detail);
        }
    }
    Keyring ring;

    auto hmac = read_raw_key(join(dir, kHmacName));
    if (!hmac) return fail(hmac.error().code, hmac.error().detail);
    ring.hmac_ = std::move(*hmac);

    auto aead = load_aead(dir);
    if (!aead) return fail(aead.error().code, aead.error().detail);
    ring.aead_ = std::move(*aead);

    const std::string signing_dir = join(dir, kSigningDir);
    const std::string retired_dir = join(signing_dir, kRetiredDir);
    auto active = read_signing_dir(signing_dir, kRetiredDir);
    if (!active) return fail(active.error().code, active.error().detail);
    std::vector<SigningFile> retired;
    {
        struct stat st {};
        // A file named "retired" is a stray file like any other.
        if (::lstat(retired_dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
            return fail(ErrorCode::invalid_input,
                        "unexpected file " + retired_dir + " (retired keys go in a directory)");
        }
        auto read = read_signing_dir(retired_dir, {});
        if (!read && read.error().code != ErrorCode::not_found) {
            return fail(read.error().code, read.error().detail);
        }
        if (read) retired = std::move(*read);
    }

    // Every kid once, across both directories.
    std::set<std::string> kids;
    for (const auto* files : {&*active, &retired}) {
        for (const SigningFile& f : *files) {
            if (!kids.insert(f.key.kid()).second) {
                return fail(ErrorCode::invalid_input,
                            f.path + ": kid " + f.key.kid() + " is already used by another file");
            }
        }
    }

    // Candidates to sign, ordered by their activation time (the name's, or
    // the modification time), then name; a key with an activation time in
    // its name waits for it.
    struct Candidate {
        int64_t order_sec;
        int64_t order_nsec;
        int64_t activates_at;
        size_t index;
    };
    std::vector<Candidate> candidates;
    for (SigningFile& f : *active) {  // sorted by name
        const int64_t created = f.file.mtime.tv_sec;
        if (f.key.alg() != sign_alg) {
            ring.unused_.push_back(f.path);
            ring.files_.push_back({f.path, f.key.kid(), f.key.alg(), created, f.activates_at, false,
                                   false, std::numeric_limits<int64_t>::max()});
            continue;
        }
        if (f.activates_at != 0) {
            candidates.push_back({f.activates_at, 0, f.activates_at, ring.keys_.size()});
        } else {
            candidates.push_back({f.file.mtime.tv_sec, f.file.mtime.tv_nsec, 0, ring.keys_.size()});
        }
        ring.files_.push_back({f.path, f.key.kid(), f.key.alg(), created, f.activates_at, false,
                               true, std::numeric_limits<int64_t>::max()});
        ring.keys_.push_back({std::move(f.key), std::numeric_limits<int64_t>::max()});
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) {
                         return a.order_sec != b.order_sec ? a.order_sec < b.order_sec
                                                           : a.order_nsec < b.order_nsec;
                     });
    for (const Candidate& c : candidates) ring.signers_.push_back({c.activates_at, c.index});
    const int64_t now = ::time(nullptr);
    if (std::none_of(ring.signers_.begin(), ring.signers_.end(),
                     [now](const Signer& s) { return s.activates_at <= now; })) {
        return fail(ErrorCode::not_found, "no " + std::string(alg_name(sign_alg)) +
                                              " signing key in " + signing_dir +
                                              " that is active now");
    }
    for (SigningFile& f : retired) {
        const int64_t until = retired_at(f.file) + retired_life;
        ring.files_.push_back({f.path, f.key.kid(), f.key.alg(), f.file.mtime.tv_sec,
                               f.activates_at, true, true, until});
        ring.keys_.push_back({std::move(f.key), until});
    }
    return ring;
}

Result<Keyring> Keyring::load_for(const Config& config) {
    return load(config.keys.dir, config.tokens.alg, retired_life_for(config.tokens));
}

int64_t Keyring::retired_life_for(const Config::Tokens& tokens) {
    return static_cast<int64_t>(tokens.access_ttl) + tokens.leeway + kRetiredMarginSeconds;
}

const crypto::SigningKey& Keyring::signing_key() const { return signing_key_at(::time(nullptr)); }

const crypto::SigningKey& Keyring::signing_key_at(int64_t now) const {
    for (auto it = signers_.rbegin(); it != signers_.rend(); ++it) {
        if (it->activates_at <= now) return keys_[it->index].key;
    }
    // load() made sure one was active then; a clock set back is no reason to stop.
    return keys_[signers_.front().index].key;
}

std::vector<const crypto::SigningKey*> Keyring::verification_keys(int64_t now) const {
    std::vector<const crypto::SigningKey*> out;
    for (const auto& k : keys_) {
        if (now < k.verifies_until) out.push_back(&k.key);
    }
    return out;
}

const crypto::SigningKey* Keyring::find_key(std::string_view kid, int64_t now) const {
    for (const auto& k : keys_) {
        if (k.key.kid() == kid) return now < k.verifies_until ? &k.key : nullptr;
    }
    return nullptr;
}

const AeadKey& Keyring::aead_current() const {
    if (aead_.empty()) {
        std::fprintf(stderr, "authd: fatal: aead_current() on a keyring that was not loaded\n");
        std::abort();
    }
    return aead_.back();
}

const AeadKey* Keyring::find_aead(std::string_view id) const {
    for (const auto& key : aead_) {
        if (key.id == id) return &key;
    }
    return nullptr;
}

Result<std::string> add_signing_key(const std::string& dir, JwsAlg alg, int64_t activates_at) {
    const std::string signing_dir = join(dir, kSigningDir);
    auto key = SigningKey::generate(alg);
    if (!key) return fail(key.error().code, key.error().detail);
    std::string pem = key->private_pem();
    if (pem.empty()) return fail(ErrorCode::internal, "cannot export a new private key");
    std::string name = std::string(alg_name(alg)) + "." + key->kid();
    if (activates_at > 0) name += std::string(kFromMarker) + std::to_string(activates_at);
    auto path = create_key_file(signing_dir, name + std::string(kPemSuffix), pem);
    OPENSSL_cleanse(pem.data(), pem.size());
    return path;
}

Result<std::string> retire_signing_key(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::string retired_dir = join(dir, kRetiredDir);
    if (auto ok = ensure_dir(retired_dir); !ok) return fail(ok.error().code, ok.error().detail);
    const std::string target = join(retired_dir, name);
    if (exists(target)) return fail(ErrorCode::conflict, target + " already exists");
    if (::rename(path.c_str(), target.c_str()) != 0) {
        return fail(ErrorCode::unavailable,
                    "cannot move " + path + " to " + retired_dir + ": " + errno_text(errno));
    }
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd || ::fsync(dir_fd.get()) != 0) {
        return fail(ErrorCode::unavailable, "cannot sync " + dir + ": " + errno_text(errno));
    }
    return target;
}

Result<std::vector<std::string>> init_keys(const std::string& dir, JwsAlg alg, bool add_missing) {
    if (auto ok = ensure_dir(dir); !ok) return fail(ok.error().code, ok.error().detail);
    const std::string signing_dir = join(dir, kSigningDir);
    const std::string aead_dir = join(dir, kAeadDir);
    const std::string hmac_path = join(dir, kHmacName);

    // What is there already, decided before anything is written.
    std::vector<std::string> present;
    const std::string prefix = std::string(alg_name(alg)) + ".";
    bool signing_missing = true;
    for (const std::string& name : names_in(signing_dir)) {
        if (!ends_with(name, kPemSuffix)) continue;
        present.push_back(join(signing_dir, name));  // any algorithm's: keys are there
        if (name.starts_with(prefix)) signing_missing = false;
    }
    const bool hmac_missing = !exists(hmac_path);
    if (!hmac_missing) present.push_back(hmac_path);
    bool aead_missing = true;
    for (const std::string& name : names_in(aead_dir)) {
        if (ends_with(name, kKeySuffix)) {
            aead_missing = false;
            present.push_back(join(aead_dir, name));
            break;
        }
    }
    if (!add_missing && !present.empty()) {
        return fail(ErrorCode::conflict, dir + " already holds keys (" + present.front() + ")");
    }

    if (auto ok = ensure_dir(signing_dir); !ok) return fail(ok.error().code, ok.error().detail);
    if (auto ok = ensure_dir(join(signing_dir, kRetiredDir)); !ok) {
        return fail(ok.error().code, ok.error().detail);
    }
    if (auto ok = ensure_dir(aead_dir); !ok) return fail(ok.error().code, ok.error().detail);

    std::vector<std::string> created;
    if (signing_missing) {
        auto key = SigningKey::generate(alg);
        if (!key) return fail(key.error().code, key.error().detail);
        std::string pem = key->private_pem();
        if (pem.empty()) return fail(ErrorCode::internal, "cannot export a new private key");
        auto path = create_key_file(signing_dir,
                                    std::string(alg_name(alg)) + "." + key->kid() + ".pem", pem);
        OPENSSL_cleanse(pem.data(), pem.size());
        if (!path) return fail(path.error().code, path.error().detail);
        created.push_back(std::move(*path));
    }
    const auto create_raw = [&](const std::string& in_dir,
                                const std::string& name) -> Result<void> {
        std::string bytes = crypto::random_bytes(kRawKeySize);
        auto path = create_key_file(in_dir, name, bytes);
        OPENSSL_cleanse(bytes.data(), bytes.size());
        if (!path) return fail(path.error().code, path.error().detail);
        created.push_back(std::move(*path));
        return {};
    };
    if (hmac_missing) {
        if (auto ok = create_raw(dir, std::string(kHmacName)); !ok) {
            return fail(ok.error().code, ok.error().detail);
        }
    }
    if (aead_missing) {
        if (auto ok = create_raw(aead_dir, "1.key"); !ok) {
            return fail(ok.error().code, ok.error().detail);
        }
    }
    return created;
}

}  // namespace authd::keys
