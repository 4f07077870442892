// core/log.h
//
// Structured logging: one JSON object per line on stderr, written with a
// single write() so lines from many workers never interleave.  A line is
// built by chaining fields onto a temporary and written when the temporary
// dies at the end of the statement:
//
//   log::info("request").str("method", "GET").num("status", 200);
//
// Callers must never pass a password, token, code or secret as a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace authd::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Lines below this level are dropped.  Set once at startup and after reload.
void set_min_level(Level level);
bool parse_level(std::string_view text, Level* out);

// The request id of the request being served, added to every line written
// while it is set (empty: none).
void set_request_id(std::string_view id);

class Line {
public:
    Line(Level level, std::string_view event);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;

    Line& str(std::string_view key, std::string_view value);
    Line& num(std::string_view key, int64_t value);
    Line& boolean(std::string_view key, bool value);

private:
    void key(std::string_view k);
    std::string buf_;
    bool enabled_;
};

inline Line debug(std::string_view event) { return Line(Level::debug, event); }
inline Line info(std::string_view event) { return Line(Level::info, event); }
inline Line warn(std::string_view event) { return Line(Level::warn, event); }
inline Line error(std::string_view event) { return Line(Level::error, event); }

}  // namespace authd::log
