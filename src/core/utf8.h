// core/utf8.h
//
// UTF-8 checks shared by the JSON reader and writer and by everything that
// stores client text (user agents) in Postgres, which refuses invalid UTF-8
// and NUL bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace authd {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts s, or 0
// when s is empty or does not start with one.
std::size_t utf8_sequence_length(std::string_view s) noexcept;

// `text` with every byte that does not begin a well-formed sequence
// replaced by U+FFFD and NUL bytes dropped.
std::string to_valid_utf8(std::string_view text);

}  // namespace authd
