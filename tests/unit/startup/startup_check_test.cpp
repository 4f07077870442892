// tests/unit/startup/startup_check_test.cpp
//
// startup/check: a configuration whose keys, banned-password file or mail
// settings a worker or the mailer would refuse at start is refused, the
// reason starting with the setting at fault; one they accept passes.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "keys/keyring.h"
#include "startup/check.h"

namespace authd::startup {
namespace {

class StartCheckTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        char templ[] = "/tmp/authd-startup-test-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
        auto made = keys::init_keys(dir_ + "/keys", JwsAlg::es256, false);
        ASSERT_TRUE(made) << made.error().detail;
        // A PS256 key too, as `keys init --add-missing` makes one after
        // [tokens] algorithm changed.
        made = keys::init_keys(dir_ + "/keys", JwsAlg::ps256, true);
        ASSERT_TRUE(made) << made.error().detail;
        std::filesystem::create_directory(dir_ + "/mail");
        std::ofstream(dir_ + "/banned.txt") << "password1\n";
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

    // A configuration that can start, with `extra` lines appended.
    static Config config(const std::string& extra = "") {
        auto c = parse_config(
            "[keys]\ndir = " + dir_ + "/keys\n[mail]\ndir = " + dir_ + "/mail\n" + extra, "t.conf");
        EXPECT_TRUE(c) << c.error().detail;
        return c ? std::move(*c) : Config{};
    }

    static void expect_refused(const Config& c, const std::string& starts_with) {
        auto r = check_can_start(c);
        ASSERT_FALSE(r) << starts_with;
        EXPECT_EQ(r.error().detail.rfind(starts_with, 0), 0u) << r.error().detail;
    }

    static inline std::string dir_;
};

TEST_F(StartCheckTest, AcceptsWhatTheWorkersAccept) {
    auto ok = check_can_start(config());
    EXPECT_TRUE(ok) << ok.error().detail;
    ok = check_can_start(config("[passwords]\nbanned_file = " + dir_ + "/banned.txt\n"));
    EXPECT_TRUE(ok) << ok.error().detail;
    ok = check_can_start(config("[tokens]\nalgorithm = PS256\n"));
    EXPECT_TRUE(ok) << ok.error().detail;
    // smtp is checked for its settings only; nothing is connected to.
    ok = check_can_start(config("transport = smtp\nsmtp_url = smtps://127.0.0.1:1\n"));
    EXPECT_TRUE(ok) << ok.error().detail;
}

TEST_F(StartCheckTest, RefusesUnusableKeys) {
    Config c = config();
    c.keys.dir = dir_ + "/no-such-keys";
    expect_refused(c, "[keys] dir: key directory " + dir_ + "/no-such-keys does not exist");

    // A copy of the keys whose ES256 key is not a key.
    namespace fs = std::filesystem;
    c.keys.dir = dir_ + "/bad-keys";
    fs::copy(dir_ + "/keys", c.keys.dir, fs::copy_options::recursive);
    for (const auto& entry : fs::directory_iterator(c.keys.dir + "/signing")) {
        if (entry.path().filename().string().starts_with("ES256.")) {
            std::ofstream(entry.path()) << "-----BEGIN PRIVATE KEY-----\nbm90\n"
                                           "-----END PRIVATE KEY-----\n";
        }
    }
    expect_refused(c, "[keys] dir: " + c.keys.dir + "/signing/ES256.");
}

TEST_F(StartCheckTest, RefusesAnAlgorithmWithoutAKey) {
    // Switching [tokens] algorithm before its key exists: the reload is
    // refused and the old workers keep signing with the old key.
    expect_refused(config("[tokens]\nalgorithm = EdDSA\n"),
                   "[keys] dir: no EdDSA signing key in " + dir_ + "/keys/signing");
}

TEST_F(StartCheckTest, RefusesAMissingBannedFile) {
    expect_refused(
        config("[passwords]\nbanned_file = " + dir_ + "/missing.txt\n"),
        "[passwords] banned_file: cannot open banned password file " + dir_ + "/missing.txt");
}

TEST_F(StartCheckTest, RefusesBadMailSettings) {
    Config c = config();
    c.mail.dir = dir_ + "/no-such-mail";
    expect_refused(c, "[mail] dir " + dir_ + "/no-such-mail");
    c.mail.dir = dir_ + "/banned.txt";
    expect_refused(c, "[mail] dir " + dir_ + "/banned.txt is not a directory");
    expect_refused(config("transport = smtp\nsmtp_url = http://127.0.0.1:25\n"), "[mail] smtp_url");
    expect_refused(config("transport = smtp\nfrom = authd\n"), "[mail] from");
}

}  // namespace
}  // namespace authd::startup
