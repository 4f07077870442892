// mail/file_transport.cpp
//
// Delivery into files, for development and tests.  Order matters for a
// reader polling the directory:
//  1. write the whole message to ".<name>.<pid>.tmp" (a dot-file without
//     the .eml suffix: no glob for *.eml sees it), then fsync it;
//  2. rename() it to <name>.eml, which is atomic within one directory;
//  3. fsync the directory, so a message the outbox marks sent survives a
//     crash of the machine.
// Any failure before the rename removes the temporary file and is an error;
// after the rename the message counts as delivered.
//
// A file holds the message with Unix line ends (LF), as mail stored on
// disk does (maildir, mbox); CRLF is for the wire (SMTP).  A reader that
// looks for the code alone on a line (`^\d{6}$`) then finds it whatever
// it parses the file with.
#include "mail/file_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/log.h"
#include "core/unique_fd.h"

namespace authd::mail {
namespace {

Unexpected<Error> io_error(const char* call, int err) {
    return fail(ErrorCode::unavailable,
                std::string("mail file: ") + call + ": " + std::strerror(err));
}

bool is_safe_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    }
    return true;
}

Result<void> write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("write", errno);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

Result<void> write_synced(const std::string& path, std::string_view data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (fd.get() < 0) return io_error("open", errno);
    if (auto r = write_all(fd.get(), data); !r) return r;
    if (::fsync(fd.get()) != 0) return io_error("fsync", errno);
    if (!fd.close()) return io_error("close", errno);
    return {};
}

// The message as stored in a file: every CRLF of the wire form as LF.
std::string with_unix_line_ends(std::string_view wire) {
    std::string out;
    out.reserve(wire.size());
    for (size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r' && i + 1 < wire.size() && wire[i + 1] == '\n') continue;
        out.push_back(wire[i]);
    }
    return out;
}

}  // namespace

std::string message_file_name(std::time_t now, int64_t sequence, std::string_view template_name) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    char seq[32];
    std::snprintf(seq, sizeof seq, "%08" PRId64, sequence);
    return std::string(stamp) + "-" + seq + "-" + std::string(template_name) + ".eml";
}

Result<void> check_mail_dir(const std::string& dir) {
    struct stat st;
    if (dir.empty()) return fail(ErrorCode::unavailable, "[mail] dir is not set");
    if (::stat(dir.c_str(), &st) != 0) {
        return fail(ErrorCode::unavailable, "[mail] dir " + dir + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return fail(ErrorCode::unavailable, "[mail] dir " + dir + " is not a directory");
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return fail(ErrorCode::unavailable,
                    "[mail] dir " + dir + " is not writable: " + std::strerror(errno));
    }
    return {};
}

Result<std::string> write_message_file(const std::string& dir, int64_t sequence,
                                       const Message& message, std::time_t now) {
    if (!is_safe_name(message.template_name)) {
        return fail(ErrorCode::internal, "mail file: template name is not [a-z_]+");
    }
    const std::string name = message_file_name(now, sequence, message.template_name);
    const std::string final_path = dir + "/" + name;
    const std::string temp_path =
        dir + "/." + name + "." + std::to_string(static_cast<long>(::getpid())) + ".tmp";

    if (auto r = write_synced(temp_path, with_unix_line_ends(message.data)); !r) {
        ::unlink(temp_path.c_str());
        return Unexpected{r.error()};
    }
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
        int err = errno;
        ::unlink(temp_path.c_str());
        return io_error("rename", err);
    }
    // The message is delivered from here on: a failure to make the rename
    // durable is logged, not returned, or the outbox would deliver it again.
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
        log::warn("mail_dir_fsync_failed").str("reason", std::strerror(errno));
    }
    return name;
}

}  // namespace authd::mail
