// forms/names.h
//
// The name rule of the API contract (section 6), for firstName and lastName:
// 1 to 50 characters, each a Unicode letter (any script), a combining mark,
// a space (U+0020), a hyphen '-', or an apostrophe (' U+0027 or ’ U+2019),
// with at least one letter.
//
// "Characters" are Unicode code points.  A combining mark counts as one of
// its own, so "Zoë" written as 'e' + U+0308 is four characters, while the
// precomposed U+00EB spelling is three.  Names are stored as sent (no
// normalisation), so this is what the limit sees.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd::forms {

inline constexpr std::size_t kMaxNameLength = 50;  // code points

// Removes Unicode white space (the White_Space property: ASCII space and
// \t\n\v\f\r, U+0085, U+00A0, U+2000..U+200A, U+3000, ...) at both ends.
// Invalid UTF-8 is never trimmed away, so name_problem still sees it.
std::string trim_name(std::string_view raw);

// nullopt when `trimmed` is an acceptable name, else the message for
// fields.firstName / fields.lastName:
//   "must be valid UTF-8"
//   "must not be empty"
//   "must be at most 50 characters"
//   "may contain only letters, spaces, hyphens and apostrophes"
//   "must contain a letter"
// (checked in that order; the first that applies is returned).
std::optional<std::string> name_problem(std::string_view trimmed);

}  // namespace authd::forms
