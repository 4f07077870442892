// json/writer.cpp
//
// The JSON writer: appends to one std::string.  Separators follow from two
// flags (a value already in the innermost container; a key waiting for its
// value); the stack of open containers only serves the debug assertions that
// check the calls form one JSON value.

#include "json/writer.h"

#include <cassert>
#include <charconv>
#include <utility>

#include "core/json_escape.h"
#include "json/document.h"

namespace authd::json {

namespace {

void append_quoted(std::string& out, std::string_view text) {
    out += '"';
    append_json_escaped(out, text);
    out += '"';
}

}  // namespace

void Writer::begin_value() {
    if (frames_.empty()) {
        assert(out_.empty() && "only one top-level value");
    } else {
        assert((frames_.back() == Frame::array || after_key_) && "object member without key()");
    }
    if (after_key_) {
        after_key_ = false;
    } else if (need_comma_) {
        out_ += ',';
    }
}

Writer& Writer::begin_object() {
    begin_value();
    out_ += '{';
    frames_.push_back(Frame::object);
    need_comma_ = false;
    return *this;
}

Writer& Writer::end_object() {
    assert(!frames_.empty() && frames_.back() == Frame::object && !after_key_);
    out_ += '}';
    frames_.pop_back();
    end_value();
    return *this;
}

Writer& Writer::begin_array() {
    begin_value();
    out_ += '[';
    frames_.push_back(Frame::array);
    need_comma_ = false;
    return *this;
}

Writer& Writer::end_array() {
    assert(!frames_.empty() && frames_.back() == Frame::array);
    out_ += ']';
    frames_.pop_back();
    end_value();
    return *this;
}

Writer& Writer::key(std::string_view name) {
    assert(!frames_.empty() && frames_.back() == Frame::object && !after_key_);
    if (need_comma_) out_ += ',';
    append_quoted(out_, name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

Writer& Writer::string(std::string_view value) {
    begin_value();
    append_quoted(out_, value);
    end_value();
    return *this;
}

Writer& Writer::number(std::int64_t value) {
    begin_value();
    char buffer[24];  // "-9223372036854775808" is 20 characters
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;  // cannot fail: the buffer fits every int64_t
    out_.append(buffer, end);
    end_value();
    return *this;
}

Writer& Writer::boolean(bool value) {
    begin_value();
    out_ += value ? "true" : "false";
    end_value();
    return *this;
}

Writer& Writer::null() {
    begin_value();
    out_ += "null";
    end_value();
    return *this;
}

Writer& Writer::json_text(std::string_view valid_json) {
    begin_value();
    out_ += valid_json;
    end_value();
    return *this;
}

std::string Writer::str() && {
    assert(frames_.empty() && !out_.empty() && "str() before the value is complete");
    return std::move(out_);
}

}  // namespace authd::json
