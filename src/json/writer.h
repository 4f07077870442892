// json/writer.h
//
// Builds compact JSON text (no spaces or newlines) for responses and log
// lines, without a tree.  Commas and colons are written automatically:
//
//     json::Writer w;
//     w.begin_object();
//     w.key("error").string("VALIDATION_ERROR");
//     w.key("fields").begin_object().key("email").string("bad").end_object();
//     w.end_object();
//     std::string out = std::move(w).str();   // {"error":...,"fields":{"email":"bad"}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace authd::json {

// Strings (values and keys) are escaped per RFC 8259: '"' and '\' as \" and
// \\, \b \f \n \r \t by their short escapes, the other bytes below 0x20 as
// \u00XX (so a NUL byte becomes \u0000, which parse_object rejects).  Nothing
// else is escaped: '/', DEL, '<', '>', '&' and valid UTF-8 pass through
// unchanged; the output is served as application/json with nosniff, never
// embedded in HTML.  Each byte that does not begin a well-formed UTF-8
// sequence becomes U+FFFD, so the output is always valid UTF-8.
//
// The calls must form one JSON value: inside an object, key() before every
// value; begin/end balanced; str() once, after the value is complete.  Debug
// builds assert this; release builds write whatever they are told.
class Writer {
public:
    Writer& begin_object();
    Writer& end_object();
    Writer& begin_array();
    Writer& end_array();

    // The key of the next member of the innermost object.
    Writer& key(std::string_view name);

    Writer& string(std::string_view value);
    Writer& number(std::int64_t value);
    Writer& boolean(bool value);
    Writer& null();
    // A value that is JSON text already, written as it is: only for text
    // whose validity something else guarantees (Postgres's rendering of a
    // jsonb column), never for anything a client sent.
    Writer& json_text(std::string_view valid_json);

    // The finished text; the Writer is spent.
    std::string str() &&;

private:
    enum class Frame : char { object, array };

    void begin_value();
    void end_value() { need_comma_ = true; }

    std::string out_;
    std::vector<Frame> frames_;  // open containers, innermost last
    bool need_comma_ = false;    // the innermost container already holds a value
    bool after_key_ = false;     // key() was written and its value was not yet
};

}  // namespace authd::json
