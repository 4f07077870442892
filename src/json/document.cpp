// json/document.cpp
//
// Strict JSON objects on top of cJSON.  cJSON is lenient where a request
// body must not be: it accepts trailing bytes, any byte <= 0x20 as
// whitespace, raw control characters and invalid UTF-8 in strings, numbers
// such as "01" and "1.", and it truncates a string at a \u0000 escape.  So
// parse_object() checks the raw text first, in three passes:
//   1. UTF-8 well-formedness of every byte;
//   2. the RFC 8259 grammar (with the escape rules and the depth limit), by a
//      recursive-descent Validator that builds nothing;
//   3. only then cJSON builds the tree, and a walk over it rejects duplicate
//      keys (compared after unescaping) and numbers that overflow a double.
// Everything the Validator accepts, cJSON parses to the same values, so the
// tree is exactly what the text says.  Error details carry a reason and a
// byte offset, never the text: it may hold a password.

#include "json/document.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace authd::json {

namespace {

constexpr std::size_t kNone = std::string_view::npos;

// The largest integer a double holds with its neighbours still distinct.
constexpr double kMaxExactInteger = 9007199254740991.0;  // 2^53 - 1

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Unexpected<Error> invalid(std::string_view why, std::size_t offset) {
    return fail(ErrorCode::invalid_input,
                "invalid JSON: " + std::string(why) + " at byte " + std::to_string(offset));
}

// The offset of the first byte that does not start a well-formed UTF-8
// sequence, or kNone.
std::size_t find_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t n = utf8_sequence_length(text.substr(i));
        if (n == 0) return i;
        i += n;
    }
    return kNone;
}

// Checks that UTF-8-valid text is one JSON object and nothing else.  It
// stops at the first problem; why() and offset() then describe it.
class Validator {
public:
    explicit Validator(std::string_view text) : text_(text) {}

    bool check() {
        if (text_.starts_with("\xEF\xBB\xBF")) return reject("byte order mark");
        skip_space();
        if (!at_end() && peek() != '{') return reject("top-level value is not an object");
        if (!value(0)) return false;
        skip_space();
        if (!at_end()) return reject("trailing characters after the object");
        return true;
    }

    std::string_view why() const { return why_; }
    std::size_t offset() const { return pos_; }

private:
    bool at_end() const { return pos_ >= text_.size(); }

    // '\0' at the end; a raw NUL inside the text is invalid wherever it
    // appears, so the two never need telling apart.
    char peek() const { return at_end() ? '\0' : text_[pos_]; }

    bool reject(std::string_view why) {
        why_ = at_end() ? "unexpected end of input" : why;
        return false;
    }

    void skip_space() {
        while (!at_end() && is_json_space(text_[pos_])) ++pos_;
    }

    // depth counts the containers this value is inside.
    bool value(int depth) {
        switch (peek()) {
            case '{':
                return container(depth + 1, '}');
            case '[':
                return container(depth + 1, ']');
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                if (peek() == '-' || is_digit(peek())) return number();
                return reject("unexpected character");
        }
    }

    // An object (close == '}') or an array (close == ']') at pos_.
    bool container(int depth, char close) {
        if (depth > kMaxDepth) return reject("nesting deeper than 64");
        ++pos_;
        skip_space();
        if (peek() == close) {
            ++pos_;
            return true;
        }
        for (;;) {
            if (close == '}') {
                if (peek() != '"') return reject("expected a string key");
                if (!string()) return false;
                skip_space();
                if (peek() != ':') return reject("expected ':' after a key");
                ++pos_;
                skip_space();
            }
            if (!value(depth)) return false;
            skip_space();
            if (peek() == close) {
                ++pos_;
                return true;
            }
            if (peek() != ',') return reject("expected ',' or the end of the container");
            ++pos_;
            skip_space();
        }
    }

    bool string() {
        ++pos_;
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20) return reject("control character in a string");
            if (c == '\\') {
                if (!escape()) return false;
            } else {
                ++pos_;
            }
        }
        return reject("unterminated string");
    }

    // The escape at pos_ (its backslash).  Because escapes are consumed whole,
    // "\\u0000" is an escaped backslash followed by plain text.
    bool escape() {
        if (pos_ + 1 >= text_.size()) return reject("unterminated string");
        switch (text_[pos_ + 1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                pos_ += 2;
                return true;
            case 'u':
                break;
            default:
                return reject("invalid escape");
        }
        unsigned unit = 0;
        if (!hex4(pos_ + 2, unit)) return reject("invalid \\u escape");
        // cJSON would end the C string at the NUL and silently drop the rest.
        if (unit == 0) return reject("\\u0000 escape in a string");
        if (unit >= 0xDC00 && unit <= 0xDFFF) return reject("unpaired surrogate escape");
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            unsigned low = 0;
            if (text_.substr(pos_ + 6, 2) != "\\u" || !hex4(pos_ + 8, low) || low < 0xDC00 ||
                low > 0xDFFF) {
                return reject("unpaired surrogate escape");
            }
            pos_ += 12;
            return true;
        }
        pos_ += 6;
        return true;
    }

    // Reads four hex digits at `at` into unit.
    bool hex4(std::size_t at, unsigned& unit) const {
        if (at + 4 > text_.size()) return false;
        unit = 0;
        for (std::size_t i = at; i < at + 4; ++i) {
            const char c = text_[i];
            unsigned digit = 0;
            if (c >= '0' && c <= '9') {
                digit = static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                digit = static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                digit = static_cast<unsigned>(c - 'A' + 10);
            } else {
                return false;
            }
            unit = unit * 16 + digit;
        }
        return true;
    }

    // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    bool number() {
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (!skip_digits()) {
            return reject("invalid number");
        }
        if (peek() == '.') {
            ++pos_;
            if (!skip_digits()) return reject("invalid number");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!skip_digits()) return reject("invalid number");
        }
        return true;
    }

    // Skips one or more digits; false if there is none.
    bool skip_digits() {
        const std::size_t start = pos_;
        while (is_digit(peek())) ++pos_;
        return pos_ > start;
    }

    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return reject("invalid literal");
        pos_ += word.size();
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::string_view why_;
};

// What only the tree shows.  Returns the reason for rejecting it, or an
// empty view.  Recursion is bounded by the Validator's depth limit.
std::string_view check_tree(const cJSON* node) {
    if (cJSON_IsNumber(node) && !std::isfinite(node->valuedouble)) {
        return "number out of range";
    }
    if (cJSON_IsObject(node)) {
        std::vector<std::string_view> keys;
        for (const cJSON* child = node->child; child != nullptr; child = child->next) {
            keys.emplace_back(child->string);
        }
        // Sorting keeps a body of many keys at n log n, not n^2.
        std::sort(keys.begin(), keys.end());
        if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return "duplicate key";
    }
    for (const cJSON* child = node->child; child != nullptr; child = child->next) {
        if (const std::string_view why = check_tree(child); !why.empty()) return why;
    }
    return {};
}

Unexpected<Error> wrong_type(std::string_view key, std::string_view expected) {
    return fail(ErrorCode::invalid_input,
                "field \"" + std::string(key) + "\": expected " + std::string(expected));
}

}  // namespace

Result<Document> parse_object(std::string_view text) {
    if (const std::size_t bad = find_invalid_utf8(text); bad != kNone) {
        return invalid("invalid UTF-8", bad);
    }
    Validator validator(text);
    if (!validator.check()) return invalid(validator.why(), validator.offset());

    // The Validator has already required that nothing but whitespace follows
    // the object; return_parse_end re-checks that cJSON stopped where it did.
    // (require_null_terminated cannot be used: it wants a NUL inside the length.)
    const char* end = nullptr;
    JsonPtr tree(cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, false));
    if (!tree) {
        // Only a number longer than cJSON's 63-character buffer, or memory
        // exhaustion, gets here.
        return fail(ErrorCode::invalid_input, "invalid JSON: rejected by cJSON after validation");
    }
    const std::size_t stop = static_cast<std::size_t>(end - text.data());
    if (!cJSON_IsObject(tree.get()) ||
        !std::all_of(text.begin() + stop, text.end(), is_json_space)) {
        return fail(ErrorCode::internal, "json: cJSON disagrees with the validator");
    }
    if (const std::string_view why = check_tree(tree.get()); !why.empty()) {
        return fail(ErrorCode::invalid_input, "invalid JSON: " + std::string(why));
    }
    return Document(std::move(tree));
}

const cJSON* Object::find(std::string_view key) const {
    // Keys in a parsed document never hold a NUL, and the C lookup would stop
    // at one, matching a shorter key.
    if (key.find('\0') != std::string_view::npos) return nullptr;
    const std::string name(key);
    return cJSON_GetObjectItemCaseSensitive(node_, name.c_str());
}

bool Object::has(std::string_view key) const { return find(key) != nullptr; }

Result<std::optional<std::string>> Object::find_string(std::string_view key) const {
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<std::string>();
    if (!cJSON_IsString(item)) return wrong_type(key, "a string");
    return std::optional<std::string>(item->valuestring);
}

Result<std::optional<bool>> Object::find_bool(std::string_view key) const {
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<bool>();
    if (!cJSON_IsBool(item)) return wrong_type(key, "a boolean");
    return std::optional<bool>(cJSON_IsTrue(item) != 0);
}

Result<std::optional<std::int64_t>> Object::find_int(std::string_view key) const {
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<std::int64_t>();
    if (!cJSON_IsNumber(item)) return wrong_type(key, "an integer");
    const double number = item->valuedouble;
    if (number != std::trunc(number)) return wrong_type(key, "an integer");
    if (std::fabs(number) > kMaxExactInteger) return wrong_type(key, "an integer within 2^53");
    return std::optional<std::int64_t>(static_cast<std::int64_t>(number));
}

Result<std::optional<Object>> Object::find_object(std::string_view key) const {
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<Object>();
    if (!cJSON_IsObject(item)) return wrong_type(key, "an object");
    return std::optional<Object>(Object(item));
}

Result<std::optional<std::vector<std::string>>> Object::find_string_array(
    std::string_view key) const {
    using Strings = std::vector<std::string>;
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<Strings>();
    if (!cJSON_IsArray(item)) return wrong_type(key, "an array of strings");
    Strings out;
    for (const cJSON* e = item->child; e != nullptr; e = e->next) {
        if (!cJSON_IsString(e)) return wrong_type(key, "an array of strings");
        out.emplace_back(e->valuestring);
    }
    return std::optional<Strings>(std::move(out));
}

Result<std::optional<std::vector<std::pair<std::string, std::string>>>> Object::find_string_map(
    std::string_view key) const {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<Pairs>();
    if (!cJSON_IsObject(item)) return wrong_type(key, "an object of strings");
    Pairs out;
    for (const cJSON* e = item->child; e != nullptr; e = e->next) {
        if (!cJSON_IsString(e) || e->string == nullptr) {
            return wrong_type(key, "an object of strings");
        }
        out.emplace_back(e->string, e->valuestring);
    }
    return std::optional<Pairs>(std::move(out));
}

Result<std::optional<std::vector<Object>>> Object::find_object_array(std::string_view key) const {
    using Objects = std::vector<Object>;
    const cJSON* item = find(key);
    if (item == nullptr || cJSON_IsNull(item)) return std::optional<Objects>();
    if (!cJSON_IsArray(item)) return wrong_type(key, "an array of objects");
    Objects out;
    for (const cJSON* e = item->child; e != nullptr; e = e->next) {
        if (!cJSON_IsObject(e)) return wrong_type(key, "an array of objects");
        out.emplace_back(e);
    }
    return std::optional<Objects>(std::move(out));
}

}  // namespace authd::json
