// Known answers: AWS's own SigV4 test suite (get-vanilla), and a request
// botocore signed (the Cognito admin call's shape), verified by
// cognito::verify_sigv4 with the date window, wrong keys and secrets.
#include "cognito/sigv4.h"

#include <gtest/gtest.h>

using authd::Secret;
using namespace authd::cognito;

namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

authd::http::Request botocore_request() {
    authd::http::Request r;
    r.method = authd::http::Method::post;
    r.path = "/";
    r.body = R"({"Username":"x"})";
    r.content_type = "application/x-amz-json-1.1";
    r.headers["host"] = "example.amazonaws.com";
    r.headers["x-amz-date"] = "20261204T225312Z";
    r.headers["x-amz-target"] = "AWSCognitoIdentityProviderService.AdminGetUser";
    r.headers["user-agent"] = "Boto3/1.26 (not signed)";
    r.headers["authorization"] =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/us-east-1/cognito-idp/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
        "Signature=b08527949ae722cd9ae74b7efb2b56a7b9ae9a37ecfb302b63878525b0afac0b";
    return r;
}

std::vector<AccessKey> keys(const char* secret = kSecret) {
    std::vector<AccessKey> k;
    k.push_back({"AKIDEXAMPLE", Secret(secret)});
    return k;
}

const int64_t kSignedAt = *parse_amz_date("20261204T225312Z");

}  // namespace

TEST(SigV4, AwsTestSuiteGetVanilla) {
    authd::http::Request r;
    r.method = authd::http::Method::get;
    r.path = "/";
    r.headers["host"] = "example.amazonaws.com";
    r.headers["x-amz-date"] = "20150830T123600Z";
    auto auth = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ASSERT_TRUE(auth);
    EXPECT_EQ(sigv4_signature(kSecret, "20150830T123600Z", *auth,
                              canonical_request(r, auth->signed_headers)),
              auth->signature);
}

TEST(SigV4, VerifiesWhatBotocoreSigned) {
    auto verified = verify_sigv4(botocore_request(), keys(), kSignedAt + 10);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->key_id, "AKIDEXAMPLE");
    EXPECT_EQ(verified->region, "us-east-1");
}

TEST(SigV4, RefusesAWrongSecretAnUnknownKeyAndAChangedBody) {
    EXPECT_EQ(verify_sigv4(botocore_request(), keys("another-secret"), kSignedAt).error().type,
              "InvalidSignatureException");
    std::vector<AccessKey> other;
    other.push_back({"AKIDOTHER", Secret(kSecret)});
    EXPECT_EQ(verify_sigv4(botocore_request(), other, kSignedAt).error().type,
              "UnrecognizedClientException");
    auto changed = botocore_request();
    changed.body = R"({"Username":"y"})";
    EXPECT_EQ(verify_sigv4(changed, keys(), kSignedAt).error().type, "InvalidSignatureException");
    auto retargeted = botocore_request();
    retargeted.headers["x-amz-target"] = "AWSCognitoIdentityProviderService.AdminDeleteUser";
    EXPECT_EQ(verify_sigv4(retargeted, keys(), kSignedAt).error().type,
              "InvalidSignatureException");
}

TEST(SigV4, RefusesAStaleOrFutureDate) {
    EXPECT_TRUE(verify_sigv4(botocore_request(), keys(), kSignedAt + kMaxSkew));
    EXPECT_EQ(verify_sigv4(botocore_request(), keys(), kSignedAt + kMaxSkew + 1).error().log_reason,
              "sigv4_stale_date");
    EXPECT_EQ(verify_sigv4(botocore_request(), keys(), kSignedAt - kMaxSkew - 1).error().log_reason,
              "sigv4_stale_date");
}

TEST(SigV4, RefusesMissingAndMalformedAuthorization) {
    auto none = botocore_request();
    none.headers.erase("authorization");
    EXPECT_EQ(verify_sigv4(none, keys(), kSignedAt).error().type,
              "MissingAuthenticationTokenException");
    auto bad = botocore_request();
    bad.headers["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204";
    EXPECT_EQ(verify_sigv4(bad, keys(), kSignedAt).error().type, "IncompleteSignatureException");
    auto undated = botocore_request();
    undated.headers.erase("x-amz-date");
    EXPECT_EQ(verify_sigv4(undated, keys(), kSignedAt).error().type,
              "IncompleteSignatureException");
}

TEST(SigV4, ParsesAccessKeys) {
    auto parsed = parse_access_keys(" AKID1:s1 , AKID2:s:2 ");
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ((*parsed)[1].id, "AKID2");
    EXPECT_EQ((*parsed)[1].secret.reveal(), "s:2");
    EXPECT_FALSE(parse_access_keys("nocolon"));
    EXPECT_FALSE(parse_access_keys(":secret"));
    EXPECT_TRUE(parse_access_keys("")->empty());
}
