// forms/banned_passwords.cpp
//
// The banned-password set, held as case-folded strings so that a lookup is
// one fold and one hash probe.  It is loaded once with the configuration and
// read-only afterwards, so workers can share it without locking.  Also home
// to fold_case, the one definition of "case-insensitive" in forms/.
#include "forms/banned_passwords.h"

#include <unicase.h>
#include <uninorm.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/ascii.h"
#include "core/c_ptr.h"

namespace authd::forms {
namespace {

using FilePtr = CPtr<std::FILE, fclose>;

// libunistring's results are malloc'd.
void free_unistring(uint8_t* p) { std::free(p); }
using UnistringPtr = CPtr<uint8_t, free_unistring>;

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\v\f") == std::string_view::npos;
}

}  // namespace

std::string fold_case(std::string_view text) {
    bool ascii = true;
    for (char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (ascii) return ascii_lowered(text);

    std::size_t length = 0;
    UnistringPtr folded(u8_casefold(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                                    nullptr, UNINORM_NFD, nullptr, &length));
    if (!folded) return ascii_lowered(text);  // invalid UTF-8 or out of memory
    return std::string(reinterpret_cast<const char*>(folded.get()), length);
}

BannedPasswords BannedPasswords::from_lines(std::string_view text) {
    BannedPasswords banned;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (!is_blank(line)) banned.folded_.insert(fold_case(line));
    }
    return banned;
}

Result<BannedPasswords> BannedPasswords::load(const std::string& path) {
    FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return fail(ErrorCode::invalid_input,
                    "cannot open banned password file " + path + ": " + std::strerror(errno));
    }
    std::string content;
    char buffer[65536];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
        content.append(buffer, got);
    if (std::ferror(file.get())) {
        return fail(ErrorCode::invalid_input,
                    "cannot read banned password file " + path + ": " + std::strerror(errno));
    }
    return from_lines(content);
}

bool BannedPasswords::contains(std::string_view password) const {
    return folded_.contains(fold_case(password));
}

std::size_t BannedPasswords::size() const { return folded_.size(); }

}  // namespace authd::forms
