// core/log.cpp
//
// JSON-lines logger.  Each line is assembled in memory and handed to the
// kernel in one write(2) on fd 2; stderr is unbuffered and O_APPEND-like for
// pipes, so concurrent workers sharing it produce whole lines.
#include "core/log.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "core/json_escape.h"

namespace authd::log {
namespace {

Level g_min_level = Level::info;
std::string g_request_id;

const char* level_name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
    }
    return "info";
}

void append_time(std::string& out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char buf[96];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             static_cast<int>(ts.tv_nsec / 1000));
    out += buf;
}

}  // namespace

void set_min_level(Level level) { g_min_level = level; }

bool parse_level(std::string_view text, Level* out) {
    static constexpr std::pair<std::string_view, Level> kLevels[] = {{"debug", Level::debug},
                                                                     {"info", Level::info},
                                                                     {"warn", Level::warn},
                                                                     {"error", Level::error}};
    for (const auto& [name, level] : kLevels) {
        if (text == name) {
            *out = level;
            return true;
        }
    }
    return false;
}

void set_request_id(std::string_view id) { g_request_id.assign(id); }

Line::Line(Level level, std::string_view event) : enabled_(level >= g_min_level) {
    if (!enabled_) return;
    buf_.reserve(256);
    buf_ += "{\"time\":\"";
    append_time(buf_);
    buf_ += "\",\"level\":\"";
    buf_ += level_name(level);
    buf_ += "\",\"pid\":";
    buf_ += std::to_string(getpid());
    buf_ += ",\"event\":\"";
    append_json_escaped(buf_, event);
    buf_ += '"';
    if (!g_request_id.empty()) str("request_id", g_request_id);
}

Line::~Line() {
    if (!enabled_) return;
    buf_ += "}\n";
    // One write: a line is never split between processes.  A short write
    // to a pipe of this size does not happen; a failed one has nowhere to go.
    ssize_t n;
    do {
        n = ::write(2, buf_.data(), buf_.size());
    } while (n < 0 && errno == EINTR);
}

void Line::key(std::string_view k) {
    buf_ += ",\"";
    append_json_escaped(buf_, k);
    buf_ += "\":";
}

Line& Line::str(std::string_view k, std::string_view value) {
    if (!enabled_) return *this;
    key(k);
    buf_ += '"';
    append_json_escaped(buf_, value);
    buf_ += '"';
    return *this;
}

Line& Line::num(std::string_view k, int64_t value) {
    if (!enabled_) return *this;
    key(k);
    buf_ += std::to_string(value);
    return *this;
}

Line& Line::boolean(std::string_view k, bool value) {
    if (!enabled_) return *this;
    key(k);
    buf_ += value ? "true" : "false";
    return *this;
}

}  // namespace authd::log
