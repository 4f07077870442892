// core/ascii.h
//
// ASCII case for the places where a protocol says "case-insensitive" (header
// names, media types, schemes, hosts, origins): only A-Z fold, every other
// byte, UTF-8 included, is left as it is.
#pragma once

#include <string>
#include <string_view>

namespace authd {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline std::string ascii_lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

inline bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

}  // namespace authd
