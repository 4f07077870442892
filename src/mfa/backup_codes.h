// mfa/backup_codes.h
//
// One-use backup codes for when the authenticator is lost: how a set is
// made and the canonical form a typed code is hashed in.  Storing them
// (keyed hashes, one use each) belongs to the MFA store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::mfa {

inline constexpr int kBackupCodeCount = 10;

// kBackupCodeCount distinct codes, each 10 random lowercase RFC 4648
// base32 characters (a-z, 2-7; 50 bits), shown as "xxxxx-xxxxx".
std::vector<std::string> new_backup_codes();

// The canonical form a code is hashed in: surrounding whitespace and every
// hyphen removed, ASCII letters lowercased.  nullopt unless the result is
// exactly 10 characters of [a-z2-7].  normalize_backup_code applied to a
// code from new_backup_codes gives it without its hyphen.
std::optional<std::string> normalize_backup_code(std::string_view input);

}  // namespace authd::mfa
