// server/listen_socket.cpp
//
// Order in accept_connection matters for security: the peer address comes
// from accept() itself and is checked before anything else touches the
// connection, so a refused peer's bytes are never parsed, not even the
// FastCGI begin record.  The check fails closed: a TCP peer is served only
// when it is on the list, and an empty list serves no TCP peer at all.
#include "server/listen_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace authd::server {
namespace {

// How long a new connection may stay silent before it is dropped (what
// libfcgi's accept did for unix sockets).
constexpr int kFirstByteTimeoutMs = 2000;

// accept() errors that mean the peer went away between its handshake and
// our accept, not that something is wrong here.
bool peer_gave_up(int e) {
    return e == ECONNABORTED || e == EPROTO || e == ECONNRESET || e == ETIMEDOUT ||
           e == EHOSTUNREACH || e == ENETUNREACH;
}

}  // namespace

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

Result<int> bind_tcp_socket(const IpAddress& host, uint16_t port) {
    const std::string name =
        (host.v6 ? "[" + format_ip_address(host) + "]" : format_ip_address(host)) + ":" +
        std::to_string(port);
    sockaddr_storage addr{};
    socklen_t len = 0;
    if (host.v6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        std::memcpy(&in6->sin6_addr, host.bytes.data(), 16);
        len = sizeof *in6;
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&addr);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        std::memcpy(&in->sin_addr, host.bytes.data(), 4);
        len = sizeof *in;
    }
    UniqueFd fd(socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (!fd) return fail(ErrorCode::internal, name + ": socket: " + std::strerror(errno));
    const int on = 1;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        return fail(ErrorCode::internal, name + ": SO_REUSEADDR: " + std::strerror(errno));
    }
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        return fail(ErrorCode::invalid_input, name + ": bind: " + std::strerror(errno));
    }
    if (listen(fd.get(), 1024) != 0) {
        return fail(ErrorCode::internal, name + ": listen: " + std::strerror(errno));
    }
    return fd.release();
}

Result<int> bind_listen_socket(const ListenAddress& address, int mode) {
    if (address.tcp()) return bind_tcp_socket(address.host, address.port);
    return bind_unix_socket(address.path, mode);
}

UniqueFd accept_connection(int listen_fd, const std::vector<IpRange>& peers) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    UniqueFd conn(accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
    if (!conn) {
        const int e = errno;
        if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR && !peer_gave_up(e)) {
            log::warn("fastcgi_accept_failed").num("errno", e);
        }
        return {};
    }
    if (peer.ss_family != AF_UNIX) {
        const auto address = ip_address_of(peer);
        if (!address || !ranges_contain(peers, *address)) {
            log::warn("fastcgi_peer_refused")
                .str("peer", address ? format_ip_address(*address) : "unknown")
                .str("reason", "not in [server] fastcgi_peers");
            return {};
        }
        // libfcgi writes its records in several small writes: without
        // TCP_NODELAY, Nagle holds the last ones back for a delayed ACK.
        const int on = 1;
        setsockopt(conn.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    pollfd first_byte{conn.get(), POLLIN, 0};
    if (poll(&first_byte, 1, kFirstByteTimeoutMs) != 1 || !(first_byte.revents & POLLIN)) {
        log::debug("fastcgi_silent_connection").str("reason", "nothing sent within 2 s");
        return {};
    }
    return conn;
}

}  // namespace authd::server
