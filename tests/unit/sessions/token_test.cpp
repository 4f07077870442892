// tests/unit/sessions/token_test.cpp
//
// sessions/token: the access token's `groups` claim.  A user without groups
// gets exactly the claims (and their order) tokens had before groups
// existed; with groups, a sorted array after `name` that verification
// returns as it was.  A token whose `groups` is there but is not an array of
// strings (a string, numbers, a null element, an object, null) is refused
// as malformed, even with a good signature; the id token never carries it.

#include "sessions/token.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/c_ptr.h"
#include "crypto/jwt.h"
#include "keys/keyring.h"

namespace authd::sessions {
namespace {

using JsonPtr = CPtr<cJSON, cJSON_Delete>;

constexpr int64_t kNow = 1800000000;

class TokenTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        char templ[] = "/tmp/authd-token-test-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
        auto made = keys::init_keys(dir_ + "/keys", JwsAlg::es256, false);
        ASSERT_TRUE(made) << made.error().detail;
        auto loaded = keys::Keyring::load(dir_ + "/keys", JwsAlg::es256, 0);
        ASSERT_TRUE(loaded) << loaded.error().detail;
        keys_.emplace(std::move(*loaded));
    }
    static void TearDownTestSuite() {
        keys_.reset();
        std::filesystem::remove_all(dir_);
    }

    void SetUp() override {
        ASSERT_TRUE(keys_.has_value());
        config_.issuer = "http://127.0.0.1:8080";
        config_.audience = "authd";
        config_.alg = JwsAlg::es256;
    }

    static TokenSubject subject(std::vector<std::string> groups = {}) {
        TokenSubject s;
        s.user_id = "0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f";
        s.session_id = "7d1e4b9a-0c3f-4e2d-8b1a-9f8e7d6c5b4a";
        s.email = "ada@example.com";
        s.first_name = "Ada";
        s.last_name = "Lovelace";
        s.email_verified = true;
        s.amr = {"pwd"};
        s.auth_time = kNow;
        s.groups = std::move(groups);
        return s;
    }

    std::string mint(const TokenSubject& s) {
        auto t = mint_access_token(*keys_, config_, s, kNow);
        EXPECT_TRUE(t);
        return t ? *t : std::string();
    }

    // The payload's member names, in order.
    static std::vector<std::string> claim_names(const std::string& token) {
        auto jws = crypto::decode_jws(token);
        EXPECT_TRUE(jws);
        if (!jws) return {};
        JsonPtr doc(cJSON_ParseWithLength(jws->payload_json.data(), jws->payload_json.size()));
        EXPECT_NE(doc, nullptr);
        std::vector<std::string> out;
        for (const cJSON* c = doc ? doc->child : nullptr; c != nullptr; c = c->next) {
            out.emplace_back(c->string);
        }
        return out;
    }

    // A correctly signed access token whose payload is the usual claims
    // plus `extra` (",\"groups\":..." or empty), written by hand.
    std::string sign_by_hand(const std::string& extra) {
        const crypto::SigningKey& key = keys_->signing_key();
        const std::string header =
            R"({"alg":"ES256","kid":")" + std::string(key.kid()) + R"(","typ":"at+jwt"})";
        const std::string payload =
            R"({"iss":"http://127.0.0.1:8080","sub":"0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f",)"
            R"("aud":"authd","exp":)" +
            std::to_string(kNow + 900) + R"(,"iat":)" + std::to_string(kNow) +
            R"(,"jti":"abc","sid":"7d1e4b9a-0c3f-4e2d-8b1a-9f8e7d6c5b4a","token_use":"access",)"
            R"("auth_time":)" +
            std::to_string(kNow) +
            R"(,"amr":["pwd"],"email":"ada@example.com","name":"Ada Lovelace")" + extra + "}";
        auto t = crypto::encode_jws(header, payload, key);
        EXPECT_TRUE(t);
        return t ? *t : std::string();
    }

    static inline std::string dir_;
    static inline std::optional<keys::Keyring> keys_;
    Config::Tokens config_;
};

TEST_F(TokenTest, NoGroupsMeansNoClaimAndTheOldShape) {
    const std::string token = mint(subject());
    EXPECT_EQ(claim_names(token),
              (std::vector<std::string>{"iss", "sub", "aud", "exp", "iat", "jti", "sid",
                                        "token_use", "auth_time", "amr", "email", "name"}));
    auto claims = verify_access_token(*keys_, config_, token, kNow + 1);
    ASSERT_TRUE(claims) << claims.error().reason;
    EXPECT_TRUE(claims->groups.empty());
    EXPECT_EQ(claims->email, "ada@example.com");
}

TEST_F(TokenTest, GroupsRoundTrip) {
    const std::string token = mint(subject({"admins", "ops.eu-1", "Z_9"}));
    auto names = claim_names(token);
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names.back(), "groups");
    EXPECT_EQ(names.size(), 13u);
    auto claims = verify_access_token(*keys_, config_, token, kNow + 1);
    ASSERT_TRUE(claims) << claims.error().reason;
    EXPECT_EQ(claims->groups, (std::vector<std::string>{"admins", "ops.eu-1", "Z_9"}));
    EXPECT_EQ(claims->amr, std::vector<std::string>{"pwd"});
}

TEST_F(TokenTest, TheIdTokenNeverCarriesGroups) {
    auto id = mint_id_token(*keys_, config_, subject({"admins"}), kNow);
    ASSERT_TRUE(id);
    for (const auto& name : claim_names(*id)) EXPECT_NE(name, "groups");
}

TEST_F(TokenTest, HandSignedTokensVerifyWithAbsentOrGoodGroups) {
    // The helper itself is right: without a bad claim its tokens pass.
    auto plain = verify_access_token(*keys_, config_, sign_by_hand(""), kNow + 1);
    ASSERT_TRUE(plain) << plain.error().reason;
    EXPECT_TRUE(plain->groups.empty());
    auto empty = verify_access_token(*keys_, config_, sign_by_hand(R"(,"groups":[])"), kNow + 1);
    ASSERT_TRUE(empty) << empty.error().reason;
    EXPECT_TRUE(empty->groups.empty());
    auto some =
        verify_access_token(*keys_, config_, sign_by_hand(R"(,"groups":["a","b"])"), kNow + 1);
    ASSERT_TRUE(some) << some.error().reason;
    EXPECT_EQ(some->groups, (std::vector<std::string>{"a", "b"}));
}

TEST_F(TokenTest, MalformedGroupsAreAnInvalidToken) {
    for (const char* bad : {R"("admins")", R"([1])", R"(["a",null])", R"(["a",["b"]])",
                            R"({"a":"b"})", "null", "true", "7"}) {
        auto r = verify_access_token(*keys_, config_,
                                     sign_by_hand(std::string(R"(,"groups":)") + bad), kNow + 1);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().reason, "malformed_claims") << bad;
        EXPECT_FALSE(r.error().expired) << bad;
    }
}

// A reload that lowers access_ttl shortens the tokens already out: none is
// accepted access_ttl or more after its iat, whatever its exp, so none
// outlives the validator's memory of its session's revocation
// (validate/revoked_sessions.h), which follows the current access_ttl.
TEST_F(TokenTest, NoTokenLivesLongerThanTheCurrentAccessTtl) {
    config_.access_ttl = 900;
    const std::string token = mint(subject());  // iat kNow, exp kNow + 900
    auto fine = verify_access_token(*keys_, config_, token, kNow + 156);
    ASSERT_TRUE(fine) << fine.error().reason;
    EXPECT_EQ(fine->expires_at, kNow + 900);

    config_.access_ttl = 60;  // the reload
    auto old = verify_access_token(*keys_, config_, token, kNow + 156);
    ASSERT_FALSE(old);
    EXPECT_TRUE(old.error().expired);
    EXPECT_EQ(old.error().reason, "expired_by_access_ttl");
    // Inside the new life it still passes, and the cache keeps it no longer.
    auto young = verify_access_token(*keys_, config_, token, kNow + 59);
    ASSERT_TRUE(young) << young.error().reason;
    EXPECT_EQ(young->expires_at, kNow + 60);
    EXPECT_FALSE(verify_access_token(*keys_, config_, token, kNow + 60));
}

// The Cognito door's tokens name the pool in iss (issuer + "/" + pool id,
// as Cognito's are its URL + "/" + the pool id) and verify like authd's
// own; another pool's, or a pool issuer when no pool is configured, never.
TEST_F(TokenTest, CognitoTokensCarryThePoolIssuerAndVerify) {
    config_.pool_issuer = "http://127.0.0.1:8080/local_authd";
    TokenSubject s = subject();
    s.cognito = TokenSubject::Cognito{"authddevclient", s.user_id, s.session_id};
    const std::string token = mint(s);
    auto jws = crypto::decode_jws(token);
    ASSERT_TRUE(jws);
    EXPECT_NE(jws->payload_json.find(R"("iss":"http://127.0.0.1:8080/local_authd")"),
              std::string::npos)
        << jws->payload_json;
    auto claims = verify_access_token(*keys_, config_, token, kNow + 1);
    ASSERT_TRUE(claims) << claims.error().reason;
    EXPECT_EQ(claims->user_id, s.user_id);
    // authd's own tokens keep the issuer, and still verify beside the pool's.
    const std::string own = mint(subject());
    ASSERT_TRUE(crypto::decode_jws(own));
    EXPECT_NE(crypto::decode_jws(own)->payload_json.find(R"("iss":"http://127.0.0.1:8080",)"),
              std::string::npos);
    EXPECT_TRUE(verify_access_token(*keys_, config_, own, kNow + 1));
    // Another pool's issuer, or none configured: refused.
    config_.pool_issuer = "http://127.0.0.1:8080/other_pool";
    auto other = verify_access_token(*keys_, config_, token, kNow + 1);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().reason, "wrong_issuer");
    config_.pool_issuer.clear();
    EXPECT_FALSE(verify_access_token(*keys_, config_, token, kNow + 1));
}

}  // namespace
}  // namespace authd::sessions
