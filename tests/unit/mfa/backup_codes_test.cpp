// tests/unit/mfa/backup_codes_test.cpp
//
// Backup codes: a set's size, format and distinctness, the use of the
// whole alphabet, and what normalisation accepts and refuses.
#include "mfa/backup_codes.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>

namespace authd::mfa {
namespace {

TEST(BackupCodes, TenDistinctCodesInTheShownFormat) {
    const std::regex format("^[a-z2-7]{5}-[a-z2-7]{5}$");
    const auto codes = new_backup_codes();
    EXPECT_EQ(kBackupCodeCount, 10);
    ASSERT_EQ(codes.size(), 10u);
    for (const auto& code : codes) EXPECT_TRUE(std::regex_match(code, format)) << code;
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
}

TEST(BackupCodes, SetsDifferAndUseTheWholeAlphabet) {
    std::set<std::string> all;
    std::set<char> letters;
    for (int i = 0; i < 50; ++i) {
        for (const auto& code : new_backup_codes()) {
            all.insert(code);
            for (char c : code) {
                if (c != '-') letters.insert(c);
            }
        }
    }
    EXPECT_EQ(all.size(), 500u);
    EXPECT_EQ(letters.size(), 32u);  // 5000 draws: a missing letter means a biased draw
}

TEST(BackupCodes, NormalizedCodeIsTheShownCodeWithoutItsHyphen) {
    for (const auto& code : new_backup_codes()) {
        std::string expected = code;
        expected.erase(5, 1);
        EXPECT_EQ(normalize_backup_code(code), std::optional<std::string>(expected));
    }
}

TEST(BackupCodes, NormalizeAccepts) {
    const std::optional<std::string> canonical("abcdefghij");
    EXPECT_EQ(normalize_backup_code("ABCDE-FGHIJ"), canonical);
    EXPECT_EQ(normalize_backup_code("abcdefghij"), canonical);
    EXPECT_EQ(normalize_backup_code(" abcde-fghij "), canonical);
    EXPECT_EQ(normalize_backup_code("\tAbCdE-fGhIj\n"), canonical);
    EXPECT_EQ(normalize_backup_code("ABCDEFGHIJ"), canonical);
    EXPECT_EQ(normalize_backup_code("wxyz2-34567"), std::optional<std::string>("wxyz234567"));
}

TEST(BackupCodes, NormalizeRefuses) {
    const std::string_view bad[] = {
        "",
        "abcde-fghi",    // 9
        "abcdefghi",     // 9
        "abcde-fghijk",  // 11
        "abcdefghijk",   // 11
        "abcde-fghi0",   // not base32
        "abcde-fghi1",
        "abcde-fghi8",
        "abcde-fghi9",
        "abcde_fghij",  // other punctuation
        "abcde.fghij",
        "abcde/fghij",
        "abcde fghij",  // inner space
        "abcde+fghij",
        "abcde-fghi\xc3\xa9",
        std::string_view("abcde-fghi\0", 11),
        "          ",
        "----------",
    };
    for (const auto input : bad) EXPECT_EQ(normalize_backup_code(input), std::nullopt) << input;
}

}  // namespace
}  // namespace authd::mfa
