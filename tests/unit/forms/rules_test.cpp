// tests/unit/forms/rules_test.cpp
//
// The input rules of contract section 6: email normalisation and validation,
// names, the password policy and the banned-password list.  Each case pins
// the exact message a client would see in VALIDATION_ERROR fields.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "forms/banned_passwords.h"
#include "forms/email.h"
#include "forms/names.h"
#include "forms/password_policy.h"

using authd::ErrorCode;
using authd::forms::BannedPasswords;
using authd::forms::email_local_part;
using authd::forms::email_problem;
using authd::forms::fold_case;
using authd::forms::name_problem;
using authd::forms::normalize_email;
using authd::forms::password_problem;
using authd::forms::PasswordPolicy;
using authd::forms::trim_name;

namespace {

const char kBadEmail[] = "must be a valid email address";
const char kBadChars[] = "may contain only letters, spaces, hyphens and apostrophes";

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// password_problem with no personal information.
std::optional<std::string> check(const PasswordPolicy& policy, std::string_view password) {
    return password_problem(policy, password, "", "", "");
}

}  // namespace

TEST(Email, NormalizeTrimsAndLowercasesAscii) {
    EXPECT_EQ(normalize_email("A@X.COM"), "a@x.com");
    EXPECT_EQ(normalize_email("  a@x.com\t"), "a@x.com");
    EXPECT_EQ(normalize_email("\r\n\v\f John.Smith@Example.ORG \n"), "john.smith@example.org");
    EXPECT_EQ(normalize_email("a b@x.com"), "a b@x.com");  // inner space kept, then rejected
    EXPECT_EQ(normalize_email("\xC3\x89@X.com"), "\xC3\x89@x.com");  // non-ASCII untouched
    EXPECT_EQ(normalize_email(" \t "), "");
}

TEST(Email, NormalizedMixedCaseAddressIsValid) {
    EXPECT_EQ(email_problem(normalize_email("  Jane.Doe+Tag@Mail.Example.COM\t")), std::nullopt);
}

TEST(Email, AcceptsValidAddresses) {
    const std::vector<std::string> valid = {
        "a@x.com",
        "first.last@example.co.uk",
        "a+tag@x.com",
        "!#$%&'*+/=?^_`{|}~-@x.com",
        "a.b.c@x-y.example",
        "a@1.2",
        "user@xn--bcher-kva.example",
        repeat("a", 64) + "@x.com",
        "a@" + repeat("b", 63) + ".com",
        "A@X.COM",  // upper case is still letters
    };
    for (const auto& email : valid) EXPECT_EQ(email_problem(email), std::nullopt) << email;
}

TEST(Email, RejectsInvalidAddresses) {
    const std::vector<std::string> invalid = {
        "",
        "a",
        "a@",
        "@x.com",
        "a..b@x.com",
        ".a@x.com",
        "a.@x.com",
        "a b@x.com",
        "a@b@c.com",
        "a@-x.com",
        "a@x-.com",
        "a@x.-com",
        "\"quoted\"@x.com",
        "a(b)@x.com",
        "a,b@x.com",
        "a@x_y.com",
        "a@localhost",  // one label: rejected by choice
        "a@x.com.",
        "a@.x.com",
        "a@x..com",
        "a@x.com ",
        " a@x.com",
        "a\t@x.com",
        std::string("a\0@x.com", 8),
        "a\x01@x.com",
        "a@x.com\x7f",
        "a@x.com\n",
        "jos\xC3\xA9@x.com",     // non-ASCII local part
        "a@ex\xC3\xA4mple.com",  // non-ASCII domain
        "a@x.com\xFF",           // not even UTF-8
    };
    for (const auto& email : invalid) {
        EXPECT_EQ(email_problem(email), kBadEmail) << "[" << email << "]";
    }
}

TEST(Email, TheOnlyLengthLimitIsTheWhole254) {
    // A 242-character local part or a 100-character label is fine as long
    // as the address stays within 254 (contract section 6 has no other).
    const std::string long_local = repeat("a", 242) + "@example.com";
    ASSERT_EQ(long_local.size(), 254u);
    EXPECT_EQ(email_problem(long_local), std::nullopt);
    EXPECT_EQ(email_problem("a@" + repeat("b", 100) + ".com"), std::nullopt);
    EXPECT_EQ(email_problem(repeat("a", 243) + "@example.com"), "must be at most 254 characters");
}

TEST(Email, LengthLimitIs254) {
    // 64 + '@' + 63 + '.' + 63 + '.' + 61 = 254.
    std::string local = repeat("a", 64);
    std::string at_limit =
        local + "@" + repeat("b", 63) + "." + repeat("c", 63) + "." + repeat("d", 61);
    ASSERT_EQ(at_limit.size(), 254u);
    EXPECT_EQ(email_problem(at_limit), std::nullopt);

    std::string over = at_limit + "d";
    ASSERT_EQ(over.size(), 255u);
    EXPECT_EQ(email_problem(over), "must be at most 254 characters");
}

TEST(Email, NonAsciiOrControlOutranksLength) {
    // Such an address is not an address at all; its length is beside the point.
    std::string long_tail = "@x.com" + repeat("m", 260);
    EXPECT_EQ(email_problem("a b" + long_tail), kBadEmail);
    EXPECT_EQ(email_problem("a\x7f" + long_tail), kBadEmail);
    EXPECT_EQ(email_problem("\xC3\xA9" + long_tail), kBadEmail);
    EXPECT_EQ(email_problem("ab" + long_tail), "must be at most 254 characters");
}

TEST(Email, LocalPart) {
    EXPECT_EQ(email_local_part("john.smith@x.com"), "john.smith");
    EXPECT_EQ(email_local_part("no-at-sign"), "");
    EXPECT_EQ(email_local_part(""), "");
    EXPECT_EQ(email_local_part("@x.com"), "");
}

TEST(Names, AcceptsNamesFromManyScripts) {
    const std::vector<std::string> valid = {
        "Jos\xC3\xA9",   // José, precomposed
        "Zoe\xCC\x88",   // Zoë with U+0308 COMBINING DIAERESIS
        "\xE6\x9D\x8E",  // 李
        "O'Brien",
        "O\xE2\x80\x99"
        "Brien",  // O’Brien, U+2019
        "Anne-Marie",
        "Mary Ann",
        "\xD0\x90\xD0\xBD\xD0\xBD\xD0\xB0",  // Анна
        "\xD7\x93\xD7\x95\xD7\x93",          // דוד
        "X",
    };
    for (const auto& name : valid) EXPECT_EQ(name_problem(name), std::nullopt) << name;
}

TEST(Names, RejectsCharactersOutsideTheSet) {
    const std::vector<std::string> invalid = {
        "R2D2",
        "<script>",
        "Anna\xF0\x9F\x98\x80",  // emoji U+1F600
        "Mary\tAnn",
        "Mary\nAnn",
        std::string("Mary\0Ann", 8),
        "Mary\xC2\xA0"
        "Ann",  // NO-BREAK SPACE inside: only U+0020 is a space
        "Ann_Marie",
        "Ann.Marie",
        "Ann\xE2\x80\x98",  // U+2018 LEFT SINGLE QUOTATION MARK is not an apostrophe
        "\xD9\xA3",         // ARABIC-INDIC DIGIT THREE
    };
    for (const auto& name : invalid) EXPECT_EQ(name_problem(name), kBadChars) << name;
}

TEST(Names, NeedsALetter) {
    EXPECT_EQ(name_problem("-"), "must contain a letter");
    EXPECT_EQ(name_problem("' -"), "must contain a letter");
    EXPECT_EQ(name_problem("\xCC\x88"), "must contain a letter");  // lone combining mark
}

TEST(Names, EmptyAndWhitespaceOnlyAreRejected) {
    EXPECT_EQ(name_problem(""), "must not be empty");
    EXPECT_EQ(name_problem(trim_name("   ")), "must not be empty");
    EXPECT_EQ(name_problem(trim_name(" \t\r\n\xC2\xA0\xE3\x80\x80")), "must not be empty");
}

TEST(Names, InvalidUtf8IsRejected) {
    EXPECT_EQ(name_problem("Jos\xC3"), "must be valid UTF-8");  // truncated sequence
    EXPECT_EQ(name_problem("\xFF"
                           "Anna"),
              "must be valid UTF-8");                                // never valid
    EXPECT_EQ(name_problem("\xC0\xAF"), "must be valid UTF-8");      // overlong '/'
    EXPECT_EQ(name_problem("\xED\xA0\x80"), "must be valid UTF-8");  // surrogate
}

TEST(Names, LengthCountsCodePoints) {
    EXPECT_EQ(name_problem(repeat("a", 50)), std::nullopt);
    EXPECT_EQ(name_problem(repeat("a", 51)), "must be at most 50 characters");
    // é is two bytes: 50 of them are 100 bytes but 50 characters.
    EXPECT_EQ(name_problem(repeat("\xC3\xA9", 50)), std::nullopt);
    EXPECT_EQ(name_problem(repeat("\xC3\xA9", 51)), "must be at most 50 characters");
    // 李 is three bytes.
    EXPECT_EQ(name_problem(repeat("\xE6\x9D\x8E", 50)), std::nullopt);
    EXPECT_EQ(name_problem(repeat("\xE6\x9D\x8E", 51)), "must be at most 50 characters");
    // A combining mark counts as a character of its own.
    EXPECT_EQ(name_problem(repeat("e\xCC\x88", 25)), std::nullopt);
    EXPECT_EQ(name_problem(repeat("e\xCC\x88", 25) + "e"), "must be at most 50 characters");
}

TEST(Names, TrimRemovesAsciiAndUnicodeSpace) {
    EXPECT_EQ(trim_name("  Anna \t\n"), "Anna");
    EXPECT_EQ(trim_name("\xC2\xA0Jos\xC3\xA9\xE3\x80\x80"),
              "Jos\xC3\xA9");  // NBSP, IDEOGRAPHIC SPACE
    EXPECT_EQ(trim_name("\xE2\x80\x83Mary Ann\xE2\x80\xA8"), "Mary Ann");  // EM SPACE, LINE SEP
    EXPECT_EQ(trim_name("Mary Ann"), "Mary Ann");                          // inner space kept
    EXPECT_EQ(trim_name(""), "");
    EXPECT_EQ(trim_name(" \t "), "");
    // Invalid bytes are not white space: they survive for name_problem.
    EXPECT_EQ(trim_name(" \xFF "), "\xFF");
    EXPECT_EQ(trim_name("Jos\xC3 "), "Jos\xC3");
}

TEST(Password, AcceptsAPasswordMeetingEveryRule) {
    PasswordPolicy policy;
    EXPECT_EQ(check(policy, "Abcdef1!"), std::nullopt);
    EXPECT_EQ(check(policy, "Abcdef1 "), std::nullopt);                 // a space is a symbol
    EXPECT_EQ(check(policy, "Abcdef1\xF0\x9F\x98\x80"), std::nullopt);  // so is an emoji
}

TEST(Password, EachRuleFailsAlone) {
    PasswordPolicy policy;
    EXPECT_EQ(check(policy, "Abcde1!"), "must be at least 8 characters");
    EXPECT_EQ(check(policy, "abcdef1!"), "must contain an uppercase letter");
    EXPECT_EQ(check(policy, "ABCDEF1!"), "must contain a lowercase letter");
    EXPECT_EQ(check(policy, "Abcdefg!"), "must contain a digit");
    EXPECT_EQ(check(policy, "Abcdefg1"), "must contain a symbol");
    EXPECT_EQ(check(policy, "Abcdef1!" + repeat("x", 121)), "must be at most 128 characters");
}

TEST(Password, RulesAreCheckedInOrder) {
    PasswordPolicy policy;
    EXPECT_EQ(check(policy, "abc"), "must be at least 8 characters");
    EXPECT_EQ(check(policy, "abcdefgh"), "must contain an uppercase letter");
    EXPECT_EQ(check(policy, "ABCDEFGH"), "must contain a lowercase letter");
    EXPECT_EQ(check(policy, "ABCDefgh"), "must contain a digit");
    EXPECT_EQ(check(policy,
                    "\xFF"
                    "Abcdef1!"),
              "must be valid UTF-8");
}

TEST(Password, LengthBoundariesCountCodePoints) {
    PasswordPolicy policy;
    // Ä (Lu) and ö (Ll) are two bytes each.
    std::string seven = "\xC3\x84" + repeat("\xC3\xB6", 4) + "1!";
    std::string eight = "\xC3\x84" + repeat("\xC3\xB6", 5) + "1!";
    ASSERT_GT(seven.size(), 8u);
    EXPECT_EQ(check(policy, seven), "must be at least 8 characters");
    EXPECT_EQ(check(policy, eight), std::nullopt);
    EXPECT_EQ(check(policy, "Abcde1!"), "must be at least 8 characters");
    EXPECT_EQ(check(policy, "Abcdef1!"), std::nullopt);

    // 4-byte characters: 124 emoji + "Aa1" would be 127; use 125 for 128.
    std::string emoji = "\xF0\x9F\x98\x80";
    std::string at_max = "Aa1" + repeat(emoji, 125);
    EXPECT_EQ(check(policy, at_max), std::nullopt);
    EXPECT_EQ(check(policy, at_max + emoji), "must be at most 128 characters");
    std::string ascii_max = "Aa1!" + repeat("x", 124);
    EXPECT_EQ(check(policy, ascii_max), std::nullopt);
    EXPECT_EQ(check(policy, ascii_max + "x"), "must be at most 128 characters");
}

TEST(Password, NumbersInMessagesComeFromThePolicy) {
    PasswordPolicy policy;
    policy.min_length = 12;
    policy.max_length = 20;
    EXPECT_EQ(check(policy, "Abcdefgh12!"), "must be at least 12 characters");
    EXPECT_EQ(check(policy, "Abcdefgh123!"), std::nullopt);
    EXPECT_EQ(check(policy, "Abcdefgh123!Abcdefgh1"), "must be at most 20 characters");
    policy.min_length = 1;
    EXPECT_EQ(check(policy, ""), "must be at least 1 character");
}

TEST(Password, CharacterClassesAreUnicode) {
    PasswordPolicy policy;
    // Greek capital/small letters; ARABIC-INDIC DIGIT THREE is a decimal digit.
    EXPECT_EQ(check(policy, "\xCE\x91\xCE\xB2\xCE\xB3\xCE\xB4\xCE\xB5\xD9\xA3!x"), std::nullopt);
    // Superscript two is a number but not a decimal digit.
    EXPECT_EQ(check(policy, "Abcdefg\xC2\xB2"), "must contain a digit");
    // CJK letters are letters of neither case, and not symbols.
    EXPECT_EQ(check(policy,
                    "\xE6\x9D\x8E\xE6\x9D\x8E\xE6\x9D\x8E"
                    "Aa1bc"),
              "must contain a symbol");
}

TEST(Password, DisabledRulesAreSkipped) {
    PasswordPolicy policy;
    policy.require_upper = policy.require_lower = policy.require_digit = policy.require_symbol =
        false;
    EXPECT_EQ(check(policy, "aaaaaaaa"), std::nullopt);
    EXPECT_EQ(check(policy, "aaaaaaa"), "must be at least 8 characters");
}

TEST(Password, PersonalInformationIsForbiddenInAnyCase) {
    PasswordPolicy policy;
    const std::string kPersonal = "must not contain your email or name";
    EXPECT_EQ(password_problem(policy, "xxJOHN.SMITHxx1A!", "john.smith@x.com", "", ""), kPersonal);
    EXPECT_EQ(password_problem(policy, "Bob12345!", "bob@x.com", "", ""), kPersonal);
    EXPECT_EQ(password_problem(policy, "Bob12345!", "  BOB@X.COM ", "", ""), kPersonal);
    EXPECT_EQ(password_problem(policy, "MARYlove1!", "z@x.com", "Mary", "Jones"), kPersonal);
    EXPECT_EQ(password_problem(policy, "I<3jones!A", "z@x.com", "Mary", "Jones"), kPersonal);
    EXPECT_EQ(password_problem(policy, "xMARY ANN1", "z@x.com", " Mary Ann ", ""), kPersonal);
    // Non-ASCII names, folded: Ø/ø, ß/SS, precomposed é vs decomposed E+U+0301.
    EXPECT_EQ(password_problem(policy, "\xC3\xB8RSTED#2024a", "z@x.com", "Hans", "\xC3\x98rsted"),
              kPersonal);
    EXPECT_EQ(password_problem(policy, "STRASSE#2024a", "z@x.com", "",
                               "Stra\xC3\x9F"
                               "e"),
              kPersonal);
    EXPECT_EQ(password_problem(policy, "JOSE\xCC\x81#2024a", "z@x.com", "Jos\xC3\xA9", ""),
              kPersonal);
    // Without the personal parts the same passwords pass.
    EXPECT_EQ(password_problem(policy, "xxJOHN.SMITHxx1A!", "jane@x.com", "Jane", "Doe"),
              std::nullopt);
    EXPECT_EQ(password_problem(policy, "\xC3\xB8RSTED#2024a", "z@x.com", "Hans", "Bohr"),
              std::nullopt);
}

TEST(Password, ShortPersonalPartsAreIgnored) {
    PasswordPolicy policy;
    EXPECT_EQ(password_problem(policy, "AlWuJo12!x", "jo@x.com", "Al", "Wu"), std::nullopt);
    // Two code points even though four bytes.
    EXPECT_EQ(password_problem(policy,
                               "\xC3\x98\xC3\xB8"
                               "Abc12!x",
                               "z@x.com", "\xC3\x98\xC3\xB8", ""),
              std::nullopt);
    EXPECT_EQ(password_problem(policy, "AlWuJo12!x", "", "", ""), std::nullopt);
}

TEST(Password, PersonalRuleCanBeDisabled) {
    PasswordPolicy policy;
    policy.forbid_personal = false;
    EXPECT_EQ(password_problem(policy, "MARYlove1!", "mary@x.com", "Mary", "Jones"), std::nullopt);
}

TEST(Password, BannedListIsCaseInsensitive) {
    BannedPasswords banned = BannedPasswords::from_lines("Password1!\n");
    PasswordPolicy policy;
    EXPECT_EQ(check(policy, "pASSWORD1!"), std::nullopt);  // no list: accepted
    policy.banned = &banned;
    EXPECT_EQ(check(policy, "pASSWORD1!"), "is too common");
    EXPECT_EQ(check(policy, "Password1!x"), std::nullopt);  // whole-password match only
    // Personal information is reported before the banned list.
    EXPECT_EQ(password_problem(policy, "Password1!", "z@x.com", "Word", ""),
              "must not contain your email or name");
}

TEST(BannedPasswords, ParsesLines) {
    BannedPasswords banned = BannedPasswords::from_lines(
        "\xEF\xBB\xBFqwerty\r\n\r\n   \nletmein\nQWERTY\n pass word \n");
    EXPECT_EQ(banned.size(), 3u);  // qwerty twice after folding, blanks ignored
    EXPECT_TRUE(banned.contains("qwerty"));
    EXPECT_TRUE(banned.contains("QwErTy"));
    EXPECT_TRUE(banned.contains("LETMEIN"));
    EXPECT_TRUE(banned.contains(" pass word "));  // spaces inside a line are kept
    EXPECT_FALSE(banned.contains("qwerty\r"));
    EXPECT_FALSE(banned.contains("pass word"));
    EXPECT_FALSE(banned.contains(""));
    EXPECT_EQ(BannedPasswords::from_lines("").size(), 0u);
    EXPECT_EQ(BannedPasswords::from_lines("last-without-newline").size(), 1u);
}

TEST(BannedPasswords, UsesUnicodeCaseFolding) {
    // ΣΊΣΥΦΟΣ vs σίσυφος (final sigma folds to σ); Straße vs STRASSE.
    BannedPasswords banned = BannedPasswords::from_lines(
        "\xCE\xA3\xCE\x8A\xCE\xA3\xCE\xA5\xCE\xA6\xCE\x9F\xCE\xA3"
        "1!\nStra\xC3\x9F"
        "e2024!\n");
    EXPECT_TRUE(
        banned.contains("\xCF\x83\xCE\xAF\xCF\x83\xCF\x85\xCF\x86\xCE\xBF\xCF\x82"
                        "1!"));
    EXPECT_TRUE(banned.contains("STRASSE2024!"));
    EXPECT_FALSE(banned.contains("STRASE2024!"));
    EXPECT_EQ(fold_case("Stra\xC3\x9F"
                        "E"),
              "strasse");
    EXPECT_EQ(fold_case("ABC"), "abc");
}

TEST(BannedPasswords, LoadReadsAFile) {
    char path[] = "/tmp/authd_banned_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    {
        std::ofstream out(path, std::ios::binary);
        out << "123456\r\nPassword1!\r\n\r\n";
    }
    auto banned = BannedPasswords::load(path);
    std::remove(path);
    ASSERT_TRUE(banned) << banned.error().detail;
    EXPECT_EQ(banned->size(), 2u);
    EXPECT_TRUE(banned->contains("PASSWORD1!"));
}

TEST(BannedPasswords, LoadOfAMissingFileNamesIt) {
    const std::string path = "/nonexistent/authd/banned-passwords.txt";
    auto banned = BannedPasswords::load(path);
    ASSERT_FALSE(banned);
    EXPECT_EQ(banned.error().code, ErrorCode::invalid_input);
    EXPECT_NE(banned.error().detail.find(path), std::string::npos) << banned.error().detail;
}
