// tests/unit/keys/keyring_test.cpp
//
// keys/keyring: init_keys makes a directory load() accepts, with private
// modes whatever the umask, and a signing key of the configured algorithm
// only; load() refuses every incomplete, malformed or exposed directory and
// names the file at fault without echoing key bytes; init_keys never
// overwrites and, with add_missing, fills only the gaps.  Only the keys of
// the configured algorithm verify, and the retired ones for their life.
//
// One directory is initialised per suite (RSA generation is slow), with a
// key of every algorithm as an older authd's `keys init` left it, and each
// test works on its own copy under /tmp.

#include "keys/keyring.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace authd::keys {
namespace {

namespace fs = std::filesystem;

constexpr JwsAlg kAlgs[] = {JwsAlg::es256, JwsAlg::eddsa, JwsAlg::rs256, JwsAlg::ps256};
constexpr int64_t kLife = 3600;  // the retired_life the tests load with

int64_t now() { return static_cast<int64_t>(::time(nullptr)); }

std::string make_temp_dir() {
    char templ[] = "/tmp/authd-keyring-test-XXXXXX";
    const char* made = ::mkdtemp(templ);
    EXPECT_NE(made, nullptr);
    return made != nullptr ? made : "/tmp/authd-keyring-test-failed";
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

void write_file(const std::string& path, std::string_view content, mode_t mode = 0600) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::fchmod(fd, mode), 0);
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void set_mtime(const std::string& path, time_t when) {
    const timespec times[2] = {{when, 0}, {when, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

// The kid in a signing key file's name, "<ALG>.<kid>.pem".
std::string kid_of(const std::string& path) {
    const std::string name = fs::path(path).filename();
    const size_t dot = name.find('.');
    return name.substr(dot + 1, name.size() - dot - 1 - 4);
}

// The signing key file of `alg` in dir (there is one after init).
std::string signing_file(const std::string& dir, JwsAlg alg) {
    const std::string prefix = std::string(alg_name(alg)) + ".";
    for (const auto& entry : fs::directory_iterator(dir + "/signing")) {
        if (!entry.is_regular_file()) continue;
        const std::string name = entry.path().filename();
        if (name.starts_with(prefix)) return entry.path();
    }
    ADD_FAILURE() << "no " << prefix << " file in " << dir;
    return dir + "/signing/missing";
}

::testing::AssertionResult refused(const Result<Keyring>& ring, std::string_view must_mention,
                                   std::string_view must_not_mention = "") {
    if (ring) return ::testing::AssertionFailure() << "load() accepted it";
    const std::string& detail = ring.error().detail;
    if (detail.find(must_mention) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "detail \"" << detail << "\" does not mention \"" << must_mention << "\"";
    }
    if (!must_not_mention.empty() && detail.find(must_not_mention) != std::string::npos) {
        return ::testing::AssertionFailure()
               << "detail \"" << detail << "\" mentions \"" << must_not_mention << "\"";
    }
    return ::testing::AssertionSuccess();
}

class KeyringTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        template_root_ = new std::string(make_temp_dir());
        template_dir_ = new std::string(*template_root_ + "/keys");
        // NB: a umask that also strips owner bits: modes left to it would
        // come out 0400/0500 (and init could not even fill its directories).
        const mode_t old = ::umask(0277);
        auto created = init_keys(*template_dir_, JwsAlg::es256, false);
        // The other algorithms' keys, as an older `keys init` made them.
        for (const JwsAlg alg : {JwsAlg::eddsa, JwsAlg::rs256, JwsAlg::ps256}) {
            if (!created) break;
            auto added = init_keys(*template_dir_, alg, true);
            if (!added) created = Unexpected{added.error()};
        }
        ::umask(old);
        template_created_ = new Result<std::vector<std::string>>(std::move(created));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*template_root_);
        delete template_created_;
        delete template_dir_;
        delete template_root_;
    }

    void SetUp() override {
        ASSERT_TRUE(*template_created_) << template_created_->error().detail;
        root_ = make_temp_dir();
        dir_ = root_ + "/keys";
        fs::copy(*template_dir_, dir_, fs::copy_options::recursive);
        // The copy's modes follow the umask; give it the ones init_keys made.
        fs::permissions(dir_, fs::perms::owner_all);
        for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
            fs::permissions(entry.path(), entry.is_directory()
                                              ? fs::perms::owner_all
                                              : fs::perms::owner_read | fs::perms::owner_write);
        }
    }
    void TearDown() override { fs::remove_all(root_); }

    // Raw pointers: gtest's suite-level state must outlive static destruction
    // order questions; freed in TearDownTestSuite.
    static std::string* template_root_;
    static std::string* template_dir_;
    static Result<std::vector<std::string>>* template_created_;

    std::string root_;
    std::string dir_;
};

std::string* KeyringTest::template_root_ = nullptr;
std::string* KeyringTest::template_dir_ = nullptr;
Result<std::vector<std::string>>* KeyringTest::template_created_ = nullptr;

// ----- init_keys -----

TEST_F(KeyringTest, InitCreatesTheConfiguredKeyWithPrivateModes) {
    const std::string dir = root_ + "/fresh";
    const mode_t old = ::umask(0277);
    auto made = init_keys(dir, JwsAlg::eddsa, false);
    ::umask(old);
    ASSERT_TRUE(made) << made.error().detail;
    const std::vector<std::string>& created = *made;
    ASSERT_EQ(created.size(), 3u);  // the EdDSA signing key, hmac.key, aead/1.key
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(dir + "/signing"), 0700u);
    EXPECT_EQ(mode_of(dir + "/signing/retired"), 0700u);
    EXPECT_EQ(mode_of(dir + "/aead"), 0700u);
    for (const std::string& path : created) {
        EXPECT_EQ(path.rfind(dir + "/", 0), 0u) << path;
        EXPECT_EQ(mode_of(path), 0600u) << path;
    }
    EXPECT_NE(std::find(created.begin(), created.end(), dir + "/hmac.key"), created.end());
    EXPECT_NE(std::find(created.begin(), created.end(), dir + "/aead/1.key"), created.end());
    const std::string file = signing_file(dir, JwsAlg::eddsa);
    EXPECT_NE(std::find(created.begin(), created.end(), file), created.end()) << file;
    EXPECT_EQ(read_file(file).rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << file;
    EXPECT_EQ(read_file(dir + "/hmac.key").size(), 32u);
    EXPECT_EQ(read_file(dir + "/aead/1.key").size(), 32u);
    // One signing key, of the configured algorithm, and no temporary file.
    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
        if (entry.is_regular_file()) ++files;
    }
    EXPECT_EQ(files, 3u);
    auto ring = Keyring::load(dir, JwsAlg::eddsa, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->verification_keys(now()).size(), 1u);
    EXPECT_FALSE(Keyring::load(dir, JwsAlg::es256, kLife));
}

TEST_F(KeyringTest, InitIntoAnExistingEmptyDirectory) {
    const std::string dir = root_ + "/empty";
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    // umask 0: a mode left to open() or mkdir() defaults would show here.
    const mode_t old = ::umask(0);
    auto created = init_keys(dir, JwsAlg::es256, false);
    ::umask(old);
    ASSERT_TRUE(created) << created.error().detail;
    EXPECT_EQ(created->size(), 3u);
    EXPECT_EQ(mode_of(dir + "/signing"), 0700u);
    EXPECT_EQ(mode_of(dir + "/signing/retired"), 0700u);
    for (const std::string& path : *created) EXPECT_EQ(mode_of(path), 0600u) << path;
    EXPECT_TRUE(Keyring::load(dir, JwsAlg::es256, kLife));
}

TEST_F(KeyringTest, InitTwiceFailsUnlessAddingMissing) {
    const std::string hmac_before = read_file(dir_ + "/hmac.key");
    const std::string es256_before = read_file(signing_file(dir_, JwsAlg::es256));

    auto again = init_keys(dir_, JwsAlg::es256, false);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::conflict);

    auto add = init_keys(dir_, JwsAlg::es256, true);
    ASSERT_TRUE(add) << add.error().detail;
    EXPECT_TRUE(add->empty());
    EXPECT_EQ(read_file(dir_ + "/hmac.key"), hmac_before);
    EXPECT_EQ(read_file(signing_file(dir_, JwsAlg::es256)), es256_before);
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::es256, kLife));
}

TEST_F(KeyringTest, InitAddMissingCreatesOnlyTheGaps) {
    const std::string es256 = signing_file(dir_, JwsAlg::es256);
    const std::string es256_before = read_file(es256);
    fs::remove(dir_ + "/hmac.key");
    fs::remove(dir_ + "/aead/1.key");
    fs::remove(signing_file(dir_, JwsAlg::eddsa));

    auto add = init_keys(dir_, JwsAlg::eddsa, true);
    ASSERT_TRUE(add) << add.error().detail;
    ASSERT_EQ(add->size(), 3u);
    EXPECT_NE(std::find(add->begin(), add->end(), dir_ + "/hmac.key"), add->end());
    EXPECT_NE(std::find(add->begin(), add->end(), dir_ + "/aead/1.key"), add->end());
    EXPECT_NE(std::find(add->begin(), add->end(), signing_file(dir_, JwsAlg::eddsa)), add->end());
    EXPECT_EQ(read_file(es256), es256_before);
    for (const std::string& path : *add) EXPECT_EQ(mode_of(path), 0600u) << path;
    auto ring = Keyring::load(dir_, JwsAlg::eddsa, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->verification_keys(now()).size(), 1u);

    // Another algorithm's key in signing/ does not count, a retired one of
    // the same algorithm neither.
    EXPECT_TRUE(init_keys(dir_, JwsAlg::es256, true)->empty());
    fs::rename(es256, dir_ + "/signing/retired/" + fs::path(es256).filename().string());
    auto again = init_keys(dir_, JwsAlg::es256, true);
    ASSERT_TRUE(again) << again.error().detail;
    ASSERT_EQ(again->size(), 1u);
    EXPECT_EQ(again->front(), signing_file(dir_, JwsAlg::es256));
}

TEST_F(KeyringTest, InitRefusesADirectoryHoldingAnyKey) {
    const std::string dir = root_ + "/partial";
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    write_file(dir + "/hmac.key", std::string(32, 'h'));
    auto created = init_keys(dir, JwsAlg::es256, false);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::conflict);
    EXPECT_NE(created.error().detail.find("hmac.key"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir + "/signing"));
    EXPECT_EQ(read_file(dir + "/hmac.key"), std::string(32, 'h'));
}

// ----- load -----

TEST_F(KeyringTest, LoadSucceedsForEveryAlgorithm) {
    for (const JwsAlg alg : kAlgs) {
        auto ring = Keyring::load(dir_, alg, kLife);
        ASSERT_TRUE(ring) << ring.error().detail;
        const crypto::SigningKey& key = ring->signing_key();
        EXPECT_EQ(key.alg(), alg);
        // Only the configured algorithm's key verifies: the others never
        // sign under this configuration.
        const auto verifying = ring->verification_keys(now());
        ASSERT_EQ(verifying.size(), 1u);
        EXPECT_EQ(verifying[0]->kid(), key.kid());
        EXPECT_EQ(ring->find_key(key.kid(), now()), &key);
        EXPECT_EQ(ring->unused_keys().size(), 3u);
        for (const JwsAlg other : kAlgs) {
            if (other == alg) continue;
            const std::string file = signing_file(dir_, other);
            EXPECT_EQ(ring->find_key(kid_of(file), now()), nullptr) << file;
            EXPECT_NE(std::find(ring->unused_keys().begin(), ring->unused_keys().end(), file),
                      ring->unused_keys().end())
                << file;
        }
        EXPECT_EQ(signing_file(dir_, alg),
                  dir_ + "/signing/" + std::string(alg_name(alg)) + "." + key.kid() + ".pem");
        auto sig = key.sign("input");
        ASSERT_TRUE(sig);
        EXPECT_TRUE(key.verify("input", *sig));

        EXPECT_EQ(ring->find_key("no-such-kid", now()), nullptr);

        EXPECT_EQ(ring->hmac_key().reveal(), read_file(dir_ + "/hmac.key"));
        EXPECT_EQ(ring->aead_current().id, "1");
        EXPECT_EQ(ring->aead_current().key.reveal(), read_file(dir_ + "/aead/1.key"));
        EXPECT_NE(ring->find_aead("1"), nullptr);
        EXPECT_EQ(ring->find_aead("2"), nullptr);
    }
    // RS256 and PS256 have keys of their own.
    auto ring = Keyring::load(dir_, JwsAlg::rs256, kLife);
    ASSERT_TRUE(ring);
    const std::string rs_kid = ring->signing_key().kid();
    auto ps = Keyring::load(dir_, JwsAlg::ps256, kLife);
    ASSERT_TRUE(ps);
    EXPECT_NE(ps->signing_key().kid(), rs_kid);
}

TEST_F(KeyringTest, LoadFailsForAMissingDirectory) {
    auto ring = Keyring::load(root_ + "/nowhere", JwsAlg::es256, kLife);
    EXPECT_TRUE(refused(ring, root_ + "/nowhere"));
    EXPECT_EQ(ring.error().code, ErrorCode::not_found);
    EXPECT_TRUE(refused(Keyring::load(dir_ + "/hmac.key", JwsAlg::es256, kLife), "hmac.key"));
}

TEST_F(KeyringTest, LoadRefusesKeyFilesOthersCanRead) {
    const std::vector<std::string> files = {dir_ + "/hmac.key", dir_ + "/aead/1.key",
                                            signing_file(dir_, JwsAlg::es256),
                                            signing_file(dir_, JwsAlg::rs256)};
    for (const std::string& file : files) {
        for (const mode_t mode : {0644, 0640, 0604, 0660, 0602}) {
            ASSERT_EQ(::chmod(file.c_str(), mode), 0);
            EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), file))
                << std::oct << mode;
        }
        ASSERT_EQ(::chmod(file.c_str(), 0400), 0);  // read-only for the owner is fine
        EXPECT_TRUE(Keyring::load(dir_, JwsAlg::es256, kLife)) << file;
        ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
    }
}

TEST_F(KeyringTest, LoadRefusesADirectoryOthersCanWrite) {
    ASSERT_EQ(::chmod(dir_.c_str(), 0770), 0);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), dir_));
    ASSERT_EQ(::chmod(dir_.c_str(), 0700), 0);
    const std::string signing = dir_ + "/signing";
    ASSERT_EQ(::chmod(signing.c_str(), 0702), 0);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), signing));
}

TEST_F(KeyringTest, LoadRefusesAnHmacKeyOfTheWrongSize) {
    const std::string path = dir_ + "/hmac.key";
    for (const size_t size : {0u, 16u, 31u, 33u, 64u}) {
        write_file(path, std::string(size, 'Z'));
        EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), path, "ZZZZ")) << size;
    }
}

TEST_F(KeyringTest, LoadRefusesMissingHmacOrAeadKeys) {
    const std::string hmac = read_file(dir_ + "/hmac.key");
    fs::remove(dir_ + "/hmac.key");
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), "hmac.key"));
    write_file(dir_ + "/hmac.key", hmac);

    const std::string aead_path = dir_ + "/aead/1.key";
    write_file(aead_path, "short");
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), aead_path));
    fs::remove(aead_path);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), "no AEAD key"));
    fs::remove(dir_ + "/aead");
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), dir_ + "/aead"));
}

TEST_F(KeyringTest, LoadFailsWithoutAKeyForTheConfiguredAlgorithm) {
    fs::remove(signing_file(dir_, JwsAlg::es256));
    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    EXPECT_TRUE(refused(ring, "ES256"));
    EXPECT_EQ(ring.error().code, ErrorCode::not_found);
    auto other = Keyring::load(dir_, JwsAlg::eddsa, kLife);
    ASSERT_TRUE(other) << other.error().detail;
    EXPECT_EQ(other->verification_keys(now()).size(), 1u);
}

TEST_F(KeyringTest, LoadRefusesAFileNameWhoseKidOrAlgLies) {
    const std::string es256 = signing_file(dir_, JwsAlg::es256);
    const std::string eddsa = signing_file(dir_, JwsAlg::eddsa);
    const std::string eddsa_kid =
        fs::path(eddsa).filename().string().substr(6, 22);  // "EdDSA.<kid>.pem"

    // An ES256 key under another key's kid.
    const std::string lying = dir_ + "/signing/ES256.AAAAAAAAAAAAAAAAAAAAAA.pem";
    fs::rename(es256, lying);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::eddsa, kLife), lying));
    fs::rename(lying, es256);

    // An Ed25519 key filed as ES256.
    const std::string wrong_alg = dir_ + "/signing/ES256." + eddsa_kid + ".pem";
    fs::rename(eddsa, wrong_alg);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), wrong_alg));
    fs::rename(wrong_alg, eddsa);
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::es256, kLife));
}

TEST_F(KeyringTest, LoadRefusesAMalformedPemWithoutQuotingIt) {
    const std::string path = dir_ + "/signing/ES256.abc.pem";
    write_file(
        path, "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n");
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), path, "U0VDUkVU"));
}

TEST_F(KeyringTest, LoadIgnoresDotFilesAndRefusesStrayOnes) {
    write_file(dir_ + "/signing/.ES256.x.pem.tmp-0123", "half-written");
    write_file(dir_ + "/aead/.2.key.tmp-0123", "half");
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::es256, kLife));

    for (const std::string stray :
         {"/signing/README", "/signing/HS256.abc.pem", "/signing/ES256.pem", "/aead/01.key",
          "/aead/x.key", "/aead/0.key", "/aead/2.key.bak", "/signing/retired/README",
          "/signing/retired/ES256.pem"}) {
        write_file(dir_ + stray, std::string(32, 'k'));
        EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), dir_ + stray)) << stray;
        fs::remove(dir_ + stray);
    }
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::es256, kLife));
}

TEST_F(KeyringTest, HighestAeadIdIsCurrent) {
    write_file(dir_ + "/aead/2.key", std::string(32, '2'));
    write_file(dir_ + "/aead/10.key", std::string(32, 'X'));  // 10 > 2, though "10" < "2"
    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->aead_current().id, "10");
    EXPECT_EQ(ring->aead_current().key.reveal(), std::string(32, 'X'));
    ASSERT_NE(ring->find_aead("2"), nullptr);
    EXPECT_EQ(ring->find_aead("2")->key.reveal(), std::string(32, '2'));
    ASSERT_NE(ring->find_aead("1"), nullptr);
    EXPECT_EQ(ring->find_aead("3"), nullptr);
}

TEST_F(KeyringTest, NewestKeyOfTheAlgorithmSigns) {
    const std::string old_file = signing_file(dir_, JwsAlg::es256);
    auto fresh = crypto::SigningKey::generate(JwsAlg::es256);
    ASSERT_TRUE(fresh);
    const std::string new_file = dir_ + "/signing/ES256." + fresh->kid() + ".pem";
    write_file(new_file, fresh->private_pem());

    set_mtime(old_file, 1'600'000'000);
    set_mtime(new_file, 1'700'000'000);
    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->signing_key().kid(), fresh->kid());
    EXPECT_EQ(ring->verification_keys(now()).size(), 2u);

    set_mtime(old_file, 1'800'000'000);
    ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring);
    EXPECT_NE(ring->signing_key().kid(), fresh->kid());
    EXPECT_NE(ring->find_key(fresh->kid(), now()), nullptr);  // still verifies
}

TEST_F(KeyringTest, LoadRefusesTheSameKeyFiledTwice) {
    // The same RSA key as RS256 and PS256 would give one kid two meanings.
    const std::string rs = signing_file(dir_, JwsAlg::rs256);
    const std::string kid = fs::path(rs).filename().string().substr(6, 22);  // "RS256.<kid>.pem"
    fs::remove(signing_file(dir_, JwsAlg::ps256));
    write_file(dir_ + "/signing/PS256." + kid + ".pem", read_file(rs));
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), kid));
}

// ----- retired keys -----

// A key moved to signing/retired/ never signs, and verifies for
// retired_life after the move (its ctime), then is gone, without a reload.
TEST_F(KeyringTest, ARetiredKeyVerifiesForItsLifeOnly) {
    const std::string old_file = signing_file(dir_, JwsAlg::es256);
    const std::string old_kid = kid_of(old_file);
    auto fresh = crypto::SigningKey::generate(JwsAlg::es256);
    ASSERT_TRUE(fresh);
    write_file(dir_ + "/signing/ES256." + fresh->kid() + ".pem", fresh->private_pem());
    const std::string retired = dir_ + "/signing/retired/" + fs::path(old_file).filename().string();
    const int64_t moved = now();
    fs::rename(old_file, retired);
    // Its mtime does not matter for signing: a retired key never signs.
    set_mtime(retired, 2'000'000'000);

    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->signing_key().kid(), fresh->kid());
    ASSERT_NE(ring->find_key(old_kid, moved), nullptr);
    EXPECT_EQ(ring->verification_keys(moved).size(), 2u);
    // The later of ctime (the move) and mtime (set ahead here) counts.
    EXPECT_NE(ring->find_key(old_kid, 2'000'000'000 + kLife - 1), nullptr);
    EXPECT_EQ(ring->find_key(old_kid, 2'000'000'000 + kLife), nullptr);
    EXPECT_EQ(ring->verification_keys(2'000'000'000 + kLife).size(), 1u);
    EXPECT_NE(ring->find_key(fresh->kid(), 2'000'000'000 + kLife), nullptr);

    // An mtime in the past does not shorten it: the move set the ctime.
    set_mtime(retired, 1'500'000'000);
    ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_NE(ring->find_key(old_kid, moved + kLife - 5), nullptr);
    EXPECT_EQ(ring->find_key(old_kid, moved + kLife + 5), nullptr);
}

// Switching [tokens] algorithm: the old algorithm's key, retired, still
// verifies the tokens it signed; keys of other algorithms left in signing/
// verify nothing.
TEST_F(KeyringTest, SwitchingAlgorithmKeepsTheRetiredKeyVerifying) {
    const std::string es256 = signing_file(dir_, JwsAlg::es256);
    fs::rename(es256, dir_ + "/signing/retired/" + fs::path(es256).filename().string());
    auto ring = Keyring::load(dir_, JwsAlg::eddsa, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->signing_key().alg(), JwsAlg::eddsa);
    const crypto::SigningKey* old = ring->find_key(kid_of(es256), now());
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->alg(), JwsAlg::es256);
    EXPECT_EQ(ring->find_key(kid_of(signing_file(dir_, JwsAlg::rs256)), now()), nullptr);
    EXPECT_EQ(ring->verification_keys(now()).size(), 2u);
    EXPECT_EQ(ring->unused_keys().size(), 2u);  // RS256 and PS256
    // A retired key alone does not sign: the configured algorithm needs one
    // in signing/.
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), "no ES256 signing key"));
}

TEST_F(KeyringTest, ARetiredKeyIsCheckedLikeAnyOther) {
    const std::string es256 = signing_file(dir_, JwsAlg::es256);
    const std::string name = fs::path(es256).filename().string();
    // Copied instead of moved: one kid in two places.
    fs::copy_file(es256, dir_ + "/signing/retired/" + name);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), kid_of(es256)));
    fs::remove(es256);
    const std::string retired = dir_ + "/signing/retired/" + name;
    ASSERT_EQ(::chmod(retired.c_str(), 0644), 0);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::eddsa, kLife), retired));
    ASSERT_EQ(::chmod(retired.c_str(), 0600), 0);
    ASSERT_EQ(::chmod((dir_ + "/signing/retired").c_str(), 0777), 0);
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::eddsa, kLife), dir_ + "/signing/retired"));
    ASSERT_EQ(::chmod((dir_ + "/signing/retired").c_str(), 0700), 0);
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::eddsa, kLife));
    // No retired/ at all is fine; a file in its place is not.
    fs::remove_all(dir_ + "/signing/retired");
    EXPECT_TRUE(Keyring::load(dir_, JwsAlg::eddsa, kLife));
    write_file(dir_ + "/signing/retired", "x");
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::eddsa, kLife), dir_ + "/signing/retired"));
}

// ----- rotation: a key with an activation time in its name -----

// `keys rotate` writes ES256.<kid>.from-<T>.pem: published and verifying at
// once, signing only from T on, without a reload (the keyring picks the
// signer at each signing).
TEST_F(KeyringTest, APendingKeyVerifiesAtOnceAndSignsFromItsActivation) {
    const std::string old_kid = kid_of(signing_file(dir_, JwsAlg::es256));
    const int64_t at = now() + 600;
    auto path = add_signing_key(dir_, JwsAlg::es256, at);
    ASSERT_TRUE(path) << path.error().detail;
    EXPECT_NE(path->find(".from-" + std::to_string(at) + ".pem"), std::string::npos);
    EXPECT_EQ(mode_of(*path), 0600u);

    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_EQ(ring->signing_key().kid(), old_kid);
    EXPECT_EQ(ring->signing_key_at(at - 1).kid(), old_kid);
    const std::string new_kid = ring->signing_key_at(at).kid();
    EXPECT_NE(new_kid, old_kid);
    EXPECT_NE(ring->find_key(new_kid, now()), nullptr);
    EXPECT_EQ(ring->verification_keys(now()).size(), 2u);
}

TEST_F(KeyringTest, AnActivatedKeyOutranksAnOlderPlainOne) {
    set_mtime(signing_file(dir_, JwsAlg::es256), 1'600'000'000);
    auto path = add_signing_key(dir_, JwsAlg::es256, now() - 5);
    ASSERT_TRUE(path);
    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_NE(path->find(ring->signing_key().kid()), std::string::npos);
}

TEST_F(KeyringTest, LoadRefusesWhenNoKeyIsActiveYet) {
    fs::remove(signing_file(dir_, JwsAlg::es256));
    ASSERT_TRUE(add_signing_key(dir_, JwsAlg::es256, now() + 600));
    EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), "active now"));
}

TEST_F(KeyringTest, LoadRefusesAMalformedActivationTime) {
    const std::string file = signing_file(dir_, JwsAlg::es256);
    const std::string kid = kid_of(file);
    for (const std::string bad : {".from-.pem", ".from-0123.pem", ".from-12x.pem", ".x.pem"}) {
        std::string target = dir_ + "/signing/ES256.";
        target += kid;
        target += bad;
        fs::rename(file, target);
        EXPECT_TRUE(refused(Keyring::load(dir_, JwsAlg::es256, kLife), "unexpected file")) << bad;
        fs::rename(target, file);
    }
}

TEST_F(KeyringTest, RetireMovesTheFileAndItVerifiesForItsLife) {
    const std::string old_file = signing_file(dir_, JwsAlg::es256);
    const std::string old_kid = kid_of(old_file);
    auto path = add_signing_key(dir_, JwsAlg::es256, now() - 1);
    ASSERT_TRUE(path);
    auto moved = retire_signing_key(old_file);
    ASSERT_TRUE(moved) << moved.error().detail;
    EXPECT_FALSE(fs::exists(old_file));
    EXPECT_TRUE(fs::exists(*moved));
    EXPECT_NE(moved->find("/signing/retired/"), std::string::npos);
    auto ring = Keyring::load(dir_, JwsAlg::es256, kLife);
    ASSERT_TRUE(ring) << ring.error().detail;
    EXPECT_NE(ring->find_key(old_kid, now()), nullptr);
    EXPECT_EQ(ring->find_key(old_kid, now() + kLife + 5), nullptr);
    auto again = retire_signing_key(old_file);
    EXPECT_FALSE(again);  // already moved: refused, nothing replaced
}

}  // namespace
}  // namespace authd::keys
