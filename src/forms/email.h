// forms/email.h
//
// The email address rule of the API contract (section 6): how an address is
// normalised before it is stored or looked up, and whether it is acceptable.
//
// Choices the contract leaves open, made here:
// - ASCII only.  Internationalised addresses (RFC 6531, non-ASCII local
//   parts or U-label domains) are rejected; a user with an IDN domain can
//   type its A-label (xn--...) form.
// - The domain needs at least two labels, so `user@localhost` is rejected:
//   accounts are for addresses mail can reach from the internet.
// - No quoted local parts ("a b"@x.com), no comments, no IP-literal domains.
// - The only length limit is the contract's 254 for the whole address: no
//   separate limits on the local part (RFC 5321's 64) or on a domain label
//   (DNS's 63).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd::forms {

inline constexpr std::size_t kMaxEmailLength = 254;  // whole address, RFC 5321 path limit

// Trims ASCII whitespace (space, \t, \n, \v, \f, \r) at both ends and
// lower-cases ASCII letters.  Everything else is kept as is, so an invalid
// address stays invalid for email_problem to report.
std::string normalize_email(std::string_view raw);

// nullopt when `normalized` is an acceptable address, else the message for
// the VALIDATION_ERROR's fields.email:
//   "must be at most 254 characters"  an ASCII address longer than that;
//   "must be a valid email address"   anything else wrong (including the
//                                     empty string, non-ASCII, controls,
//                                     spaces, a local part over 64).
// Upper-case ASCII letters are accepted (they are letters), but callers
// normalise first so that the stored address is canonical.
std::optional<std::string> email_problem(std::string_view normalized);

// The part before the first '@' (for the password rule); empty if there is
// no '@'.  The view points into `normalized`.
std::string_view email_local_part(std::string_view normalized);

}  // namespace authd::forms
