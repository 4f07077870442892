// forms/email.cpp
//
// Email normalisation and validation as byte-level ASCII checks.  An address
// is first screened for anything outside printable ASCII (which also catches
// spaces and control characters), then its length, then its shape: one '@',
// a dot-atom local part, a domain of two or more hostname labels.  Being
// ASCII-only makes bytes and characters the same, so every limit below is a
// byte count.
#include "forms/email.h"

#include <algorithm>

namespace authd::forms {
namespace {

const char kInvalid[] = "must be a valid email address";

bool is_ascii_space(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// RFC 5322 atext: what a dot-atom may hold besides the dots.
bool is_atext(char ch) {
    static constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
    return is_alpha(ch) || is_digit(ch) || kSpecials.find(ch) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) {
    if (local.empty()) return false;
    if (local.front() == '.' || local.back() == '.') return false;
    if (local.find("..") != std::string_view::npos) return false;
    return std::all_of(local.begin(), local.end(),
                       [](char ch) { return ch == '.' || is_atext(ch); });
}

bool valid_label(std::string_view label) {
    if (label.empty()) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(),
                       [](char ch) { return is_alpha(ch) || is_digit(ch) || ch == '-'; });
}

// An empty label (leading, trailing or double dot) fails valid_label, so a
// trailing dot ("x.com.") is rejected here too.
bool valid_domain(std::string_view domain) {
    int labels = 0;
    for (;;) {
        std::size_t dot = domain.find('.');
        if (!valid_label(domain.substr(0, dot))) return false;
        ++labels;
        if (dot == std::string_view::npos) break;
        domain.remove_prefix(dot + 1);
    }
    return labels >= 2;
}

}  // namespace

std::string normalize_email(std::string_view raw) {
    while (!raw.empty() && is_ascii_space(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && is_ascii_space(raw.back())) raw.remove_suffix(1);
    std::string out(raw);
    for (char& ch : out) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
}

std::optional<std::string> email_problem(std::string_view normalized) {
    // Printable ASCII only: rejects non-ASCII bytes, controls and DEL, and
    // (by excluding 0x20) spaces anywhere.
    bool printable = std::all_of(normalized.begin(), normalized.end(), [](char ch) {
        auto byte = static_cast<unsigned char>(ch);
        return byte > 0x20 && byte < 0x7f;
    });
    if (!printable) return kInvalid;
    if (normalized.size() > kMaxEmailLength) return "must be at most 254 characters";

    std::size_t at = normalized.find('@');
    if (at == std::string_view::npos) return kInvalid;
    std::string_view domain = normalized.substr(at + 1);
    if (domain.find('@') != std::string_view::npos) return kInvalid;
    if (!valid_local_part(normalized.substr(0, at)) || !valid_domain(domain)) return kInvalid;
    return std::nullopt;
}

std::string_view email_local_part(std::string_view normalized) {
    std::size_t at = normalized.find('@');
    if (at == std::string_view::npos) return {};
    return normalized.substr(0, at);
}

}  // namespace authd::forms
