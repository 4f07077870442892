// server/listen_socket.cpp
#include "server/listen_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace authd::server {

Result<int> bind_unix_socket(const std::string& path, int mode) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {
        return fail(ErrorCode::invalid_input, path + ": socket path too long");
    }
    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            return fail(ErrorCode::invalid_input, path + ": exists and is not a socket");
        }
        unlink(path.c_str());
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return fail(ErrorCode::internal, std::string("socket: ") + std::strerror(errno));
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    // Create the socket file with no permissions, then open it up to `mode`,
    // so there is no moment where it is wider than configured.
    mode_t old_mask = umask(0777);
    int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int bind_errno = errno;
    umask(old_mask);
    if (rc != 0) {
        close(fd);
        return fail(ErrorCode::invalid_input, path + ": bind: " + std::strerror(bind_errno));
    }
    if (chmod(path.c_str(), static_cast<mode_t>(mode)) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        return fail(ErrorCode::internal, path + ": " + std::strerror(e));
    }
    return fd;
}

}  // namespace authd::server
