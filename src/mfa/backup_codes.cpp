// mfa/backup_codes.cpp
//
// Backup codes are drawn character by character from the CSPRNG over the
// 32-letter lowercase base32 alphabet (random_below, so without bias);
// a set never repeats a code, so each one-use code is really one use.
// Normalisation accepts what a person is likely to type (any case, with or
// without the hyphen, stray spaces around it) and nothing else.
#include "mfa/backup_codes.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "crypto/random.h"

namespace authd::mfa {

namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kCodeLength = 10;
constexpr size_t kGroupLength = 5;

bool in_alphabet(char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string new_code() {
    std::string code;
    code.reserve(kCodeLength + 1);
    for (size_t i = 0; i < kCodeLength; ++i) {
        if (i == kGroupLength) code.push_back('-');
        code.push_back(kAlphabet[crypto::random_below(static_cast<uint32_t>(kAlphabet.size()))]);
    }
    return code;
}

}  // namespace

std::vector<std::string> new_backup_codes() {
    std::vector<std::string> codes;
    codes.reserve(kBackupCodeCount);
    while (codes.size() < static_cast<size_t>(kBackupCodeCount)) {
        std::string code = new_code();
        if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
            codes.push_back(std::move(code));
        }
    }
    return codes;
}

std::optional<std::string> normalize_backup_code(std::string_view input) {
    while (!input.empty() && is_space(input.front())) input.remove_prefix(1);
    while (!input.empty() && is_space(input.back())) input.remove_suffix(1);
    std::string out;
    out.reserve(kCodeLength);
    for (char c : input) {
        if (c == '-') continue;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!in_alphabet(c) || out.size() == kCodeLength) return std::nullopt;
        out.push_back(c);
    }
    if (out.size() != kCodeLength) return std::nullopt;
    return out;
}

}  // namespace authd::mfa
