// tests/unit/forms/requests_test.cpp
//
// Request bodies to typed forms (forms/requests.h): every problem of a body
// in one FieldErrors with a message per field, unknown fields ignored,
// keys case-sensitive, wrong types refused, values normalised.

#include "forms/requests.h"

#include <gtest/gtest.h>

#include <set>

namespace authd::forms {
namespace {

json::Document doc(std::string_view text) {
    auto d = json::parse_object(text);
    EXPECT_TRUE(d) << text;
    return std::move(*d);
}

std::set<std::string> fields_of(const FieldErrors& e) {
    std::set<std::string> out;
    for (const auto& [name, why] : e.fields) {
        EXPECT_FALSE(why.empty()) << name;
        out.insert(name);
    }
    return out;
}

TEST(ParseLogin, NormalisesTheEmailAndReadsTheFlags) {
    auto d = doc(R"({"email":"  Ada@Example.COM ","password":"x","rememberMe":true,)"
                 R"("setCookie":true,"unknown":1})");
    auto f = parse_login(d.root());
    ASSERT_TRUE(f);
    EXPECT_EQ(f->email, "ada@example.com");
    EXPECT_EQ(f->password.reveal(), "x");
    EXPECT_TRUE(f->remember_me);
    EXPECT_TRUE(f->set_cookie);
    auto plain = doc(R"({"email":"ada@example.com","password":"x"})");
    auto g = parse_login(plain.root());
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->remember_me);
    EXPECT_FALSE(g->set_cookie);
}

TEST(ParseLogin, EveryProblemAtOnce) {
    auto d = doc(R"({"Email":"ada@example.com","password":7,"rememberMe":"yes"})");
    auto f = parse_login(d.root());
    ASSERT_FALSE(f);
    EXPECT_EQ(fields_of(f.error()), (std::set<std::string>{"email", "password", "rememberMe"}));
    auto bad = doc(R"({"email":"not an email","password":""})");
    auto g = parse_login(bad.root());
    ASSERT_FALSE(g);
    EXPECT_TRUE(fields_of(g.error()).count("email"));
}

TEST(ParseRegister, TheContractsRules) {
    PasswordPolicy policy;
    auto ok = doc(R"({"email":"grace@example.com","password":"Corr3ct-Horse!",)"
                  R"("firstName":"  Grace ","lastName":"Hopper"})");
    auto f = parse_register(ok.root(), policy);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->first_name, "Grace");
    auto bad = doc(R"({"email":"grace@@example.com","password":"short",)"
                   R"("firstName":"","lastName":"H4x0r"})");
    auto g = parse_register(bad.root(), policy);
    ASSERT_FALSE(g);
    EXPECT_EQ(fields_of(g.error()),
              (std::set<std::string>{"email", "password", "firstName", "lastName"}));
    // The password may not hold a name of 3+ characters.
    auto personal = doc(R"({"email":"grace@example.com","password":"Hopper-2026!",)"
                        R"("firstName":"Grace","lastName":"Hopper"})");
    auto h = parse_register(personal.root(), policy);
    ASSERT_FALSE(h);
    EXPECT_EQ(fields_of(h.error()), std::set<std::string>{"password"});
}

TEST(ParseEmailCode, SixDigitsTrimmed) {
    auto d = doc(R"({"email":"ada@example.com","code":" 012345 "})");
    auto f = parse_email_code(d.root());
    ASSERT_TRUE(f);
    EXPECT_EQ(f->code, "012345");
    for (const char* code : {"12345", "1234567", "12345a", "", "١٢٣٤٥٦"}) {
        auto bad = doc(std::string(R"({"email":"ada@example.com","code":")") + code + "\"}");
        auto g = parse_email_code(bad.root());
        ASSERT_FALSE(g) << code;
        EXPECT_EQ(fields_of(g.error()), std::set<std::string>{"code"}) << code;
    }
}

TEST(ParseProfile, AnEmptyBodyChangesNothing) {
    auto d = doc("{}");
    auto f = parse_profile(d.root());
    ASSERT_TRUE(f);
    auto bad = doc(R"({"firstName":null,"lastName":5})");
    auto g = parse_profile(bad.root());
    ASSERT_FALSE(g);
    EXPECT_TRUE(fields_of(g.error()).count("lastName"));
}

}  // namespace
}  // namespace authd::forms
