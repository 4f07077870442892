// core/json_escape.h
//
// The inside of a JSON string (RFC 8259), for the response writer and the
// log: '"' and '\\' escaped, \b \f \n \r \t by their short escapes, other
// bytes below 0x20 as \u00XX, valid UTF-8 unchanged, and every byte that
// does not begin a well-formed UTF-8 sequence replaced by U+FFFD, so the
// output is always valid JSON text.
#pragma once

#include <string>
#include <string_view>

namespace authd {

void append_json_escaped(std::string& out, std::string_view text);

}  // namespace authd
