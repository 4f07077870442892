// forms/banned_passwords.h
//
// The optional banned-password list of the password policy (contract
// section 6, [passwords] banned_file): passwords too common to accept,
// matched whole and without regard to case.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/result.h"

namespace authd::forms {

// The caseless form of `text` used by every case-insensitive comparison in
// forms/: Unicode full case folding (so "Straße" and "STRASSE" agree)
// followed by canonical decomposition (NFD), so precomposed and decomposed
// spellings agree too.  Pure ASCII takes a fast path (ASCII lower-casing,
// which is the same result).  Invalid UTF-8 falls back to ASCII lower-casing
// of the bytes.
std::string fold_case(std::string_view text);

class BannedPasswords {
public:
    // Reads `path`: one password per line; a trailing CR (CRLF files) and a
    // leading UTF-8 byte-order mark are dropped; lines that are empty or only
    // white space are ignored; other spaces are part of the password.  The
    // error (invalid_input) names the file and says why it could not be read.
    static Result<BannedPasswords> load(const std::string& path);

    // The same parsing applied to text in memory (for tests).
    static BannedPasswords from_lines(std::string_view text);

    // True when fold_case(password) equals the folded form of a listed one.
    bool contains(std::string_view password) const;

    // Distinct entries after folding.
    std::size_t size() const;

private:
    std::unordered_set<std::string> folded_;
};

}  // namespace authd::forms
