// forms/names.cpp
//
// Name trimming and validation, decoding UTF-8 with libunistring and
// classifying each code point by its Unicode general category (L* letters,
// M* combining marks).  The allowed set is small and explicit: anything not
// listed in names.h (digits, symbols, emoji, controls, tabs, other spaces)
// is rejected, which keeps markup such as "<script>" out as a side effect.
#include "forms/names.h"

#include <unictype.h>
#include <unistr.h>

namespace authd::forms {
namespace {

constexpr ucs4_t kRightSingleQuote = 0x2019;

const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

bool is_letter(ucs4_t c) { return uc_is_general_category(c, UC_CATEGORY_L); }

bool allowed_in_name(ucs4_t c) {
    return is_letter(c) || uc_is_general_category(c, UC_CATEGORY_M) || c == U' ' || c == U'-' ||
           c == U'\'' || c == kRightSingleQuote;
}

}  // namespace

std::string trim_name(std::string_view raw) {
    // One pass forward: remember where the first and the last
    // non-white-space unit are.  An invalid byte counts as non-white space.
    std::size_t begin = raw.size(), end = 0;
    for (std::size_t pos = 0; pos < raw.size();) {
        ucs4_t c = 0;
        int len = u8_mbtoucr(&c, bytes(raw) + pos, raw.size() - pos);
        bool space = len > 0 && uc_is_property_white_space(c);
        std::size_t step = len > 0 ? static_cast<std::size_t>(len) : 1;
        if (!space) {
            if (begin == raw.size()) begin = pos;
            end = pos + step;
        }
        pos += step;
    }
    if (begin >= end) return {};
    return std::string(raw.substr(begin, end - begin));
}

std::optional<std::string> name_problem(std::string_view trimmed) {
    if (u8_check(bytes(trimmed), trimmed.size()) != nullptr) return "must be valid UTF-8";
    if (trimmed.empty()) return "must not be empty";

    std::size_t count = 0;
    bool bad_char = false, has_letter = false;
    for (std::size_t pos = 0; pos < trimmed.size();) {
        ucs4_t c = 0;
        int len = u8_mbtouc(&c, bytes(trimmed) + pos, trimmed.size() - pos);
        pos += static_cast<std::size_t>(len);
        ++count;
        if (!allowed_in_name(c)) bad_char = true;
        if (is_letter(c)) has_letter = true;
    }
    if (count > kMaxNameLength) return "must be at most 50 characters";
    if (bad_char) return "may contain only letters, spaces, hyphens and apostrophes";
    if (!has_letter) return "must contain a letter";
    return std::nullopt;
}

}  // namespace authd::forms
