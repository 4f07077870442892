// json/document.h
//
// A strict, owning JSON reader for request bodies.  parse_object() accepts
// RFC 8259 text whose top-level value is an object and rejects everything the
// API contract answers with 400 INVALID_JSON; Object is a non-owning view with
// typed getters that tell "absent" from "wrong type".
#pragma once

#include <cjson/cJSON.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/c_ptr.h"
#include "core/result.h"
#include "core/utf8.h"

namespace authd::json {

using JsonPtr = CPtr<cJSON, cJSON_Delete>;

// Objects and arrays nested deeper than this are rejected; the top-level
// object is depth 1.
inline constexpr int kMaxDepth = 64;

// A read-only view of one JSON object.  It borrows the node: the Document it
// came from must outlive it.  Keys are compared exactly (case-sensitive, byte
// for byte); a parsed Document has no duplicate keys, so a key names at most
// one member.
//
// Every find_* getter answers:
//   key absent, or its value is JSON null  -> std::nullopt
//   value of the expected type             -> the value
//   any other value                        -> ErrorCode::invalid_input, whose
//                                             detail names the key, never the value
class Object {
public:
    explicit Object(const cJSON* node) noexcept : node_(node) {}

    // True when the key is present, whatever its value (null included).
    bool has(std::string_view key) const;

    Result<std::optional<std::string>> find_string(std::string_view key) const;
    Result<std::optional<bool>> find_bool(std::string_view key) const;

    // An integer is a number whose value is integral and within +-(2^53 - 1):
    // cJSON keeps numbers as doubles, which cannot tell larger integers from
    // their neighbours, so those are an error rather than a rounded value.
    // 1.5 is an error; 1.0 and 1e2 are the integers 1 and 100.
    Result<std::optional<std::int64_t>> find_int(std::string_view key) const;

    Result<std::optional<Object>> find_object(std::string_view key) const;
    // An array whose every element is a string.
    Result<std::optional<std::vector<std::string>>> find_string_array(std::string_view key) const;
    // An object whose every member is a string, as (key, value) pairs in
    // document order.
    Result<std::optional<std::vector<std::pair<std::string, std::string>>>> find_string_map(
        std::string_view key) const;
    // An array whose every element is an object.
    Result<std::optional<std::vector<Object>>> find_object_array(std::string_view key) const;

private:
    const cJSON* find(std::string_view key) const;

    const cJSON* node_;
};

class Document;

// Parses text (not NUL-terminated; exactly text.size() bytes are read) as a
// JSON object.  Fails with ErrorCode::invalid_input, and a detail for the log
// that says why and at which byte but never quotes the text, when:
//   - the text is not valid UTF-8 (overlongs, encoded surrogates, code points
//     above U+10FFFF, truncated sequences); a byte order mark is rejected too;
//   - it is not exactly one RFC 8259 value plus optional whitespace (space,
//     tab, LF, CR): malformed, trailing bytes, a raw NUL or control character;
//   - the value is not an object (an empty text is not one either: callers
//     that treat an empty body as {} decide that before calling);
//   - a string or key holds a \u0000 escape, or a \u escape that is an
//     unpaired surrogate;
//   - an object at any depth repeats a key (compared after unescaping);
//   - nesting is deeper than kMaxDepth, or a number overflows a double.
Result<Document> parse_object(std::string_view text);

// Owns a parsed tree whose root is an object.  Move-only.
class Document {
public:
    // The top-level object; valid while this Document lives.
    Object root() const noexcept { return Object(tree_.get()); }

private:
    explicit Document(JsonPtr tree) noexcept : tree_(std::move(tree)) {}
    friend Result<Document> parse_object(std::string_view text);

    JsonPtr tree_;
};

}  // namespace authd::json
