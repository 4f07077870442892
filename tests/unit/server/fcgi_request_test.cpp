// The hand-over of an accepted connection to libfcgi (server/fcgi_request.h),
// over a socketpair: authd's side is given to FcgiRequest, the test plays
// nginx on the other.
#include "server/fcgi_request.h"

#include <fcgiapp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

using authd::UniqueFd;
using authd::server::FcgiRequest;

namespace {

std::string record(int type, const std::string& content) {
    std::string r;
    r += '\1';
    r += static_cast<char>(type);
    r += '\0';
    r += '\1';  // request id 1
    r += static_cast<char>(content.size() >> 8);
    r += static_cast<char>(content.size() & 0xff);
    r += '\0';  // no padding
    r += '\0';
    return r + content;
}

std::string begin_request(bool keep_connection) {
    std::string body{'\0', '\1', static_cast<char>(keep_connection ? 1 : 0)};
    body.append(5, '\0');
    return record(1, body);
}

std::string param(const std::string& name, const std::string& value) {
    return std::string(1, static_cast<char>(name.size())) +
           std::string(1, static_cast<char>(value.size())) + name + value;
}

std::string request(bool keep_connection) {
    return begin_request(keep_connection) +
           record(4, param("REQUEST_METHOD", "GET") + param("DOCUMENT_URI", "/health") +
                         param("REMOTE_ADDR", "10.0.0.7") + param("AUTHD_BROWSER", "1")) +
           record(4, "") + record(5, "");
}

struct Pair {
    UniqueFd nginx;
    UniqueFd authd;
};

Pair connected() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void send_all(int fd, const std::string& data) {
    ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
}

// Everything until the other side closes; fails instead of hanging.
std::string read_to_eof(int fd) {
    std::string out;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) != 1) {
            ADD_FAILURE() << "the connection was not closed";
            return out;
        }
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

class FcgiRequestTest : public testing::Test {
protected:
    // As authd's main does: no 2 s wait for the peer on close.
    static void SetUpTestSuite() {
        setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);
        ASSERT_EQ(FCGX_Init(), 0);
    }
};

}  // namespace

TEST_F(FcgiRequestTest, ServesAHandedOverConnection) {
    for (bool keep : {false, true}) {
        Pair p = connected();
        send_all(p.nginx.get(), request(keep));
        FcgiRequest fcgi;
        ASSERT_EQ(fcgi.accept(std::move(p.authd)), 0);
        authd::http::Request r = fcgi.read();
        EXPECT_EQ(r.path, "/health");
        EXPECT_EQ(r.remote_addr, "10.0.0.7");
        EXPECT_EQ(r.params["AUTHD_BROWSER"], "1");
        authd::http::Response resp;
        resp.status = 204;
        fcgi.write(resp, false);
        fcgi.finish();
        // Closed after the request even when nginx asked to keep it.
        std::string answer = read_to_eof(p.nginx.get());
        EXPECT_NE(answer.find("Status: 204"), std::string::npos) << "keep=" << keep;
    }
}

TEST_F(FcgiRequestTest, ConnectionWithoutARequestIsClosedAndAcceptsNothingElse) {
    Pair p = connected();
    send_all(p.nginx.get(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    FcgiRequest fcgi;
    // libfcgi drops the connection and would accept another on its
    // listening socket, which is -1: an error, never an unchecked accept.
    EXPECT_LT(fcgi.accept(std::move(p.authd)), 0);
    EXPECT_EQ(read_to_eof(p.nginx.get()), "");
    // The same request object serves the next connection.
    Pair q = connected();
    send_all(q.nginx.get(), request(false));
    ASSERT_EQ(fcgi.accept(std::move(q.authd)), 0);
    EXPECT_EQ(fcgi.read().path, "/health");
    fcgi.finish();
}

TEST_F(FcgiRequestTest, PeerThatClosesAtOnceIsNoRequest) {
    Pair p = connected();
    p.nginx.close();
    FcgiRequest fcgi;
    EXPECT_LT(fcgi.accept(std::move(p.authd)), 0);
}
