// tests/unit/ratelimit/ratelimit_test.cpp
//
// Rate limits: fixed-window arithmetic and memcached keys, per-IP subjects,
// the shared table (counts per key and window, slot reuse, eviction from a
// full bucket,
// several processes counting at once, a process dying while it holds the
// lock) and the Limiter against a real memcached started by the fixture,
// including memcached dying mid-window and coming back.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cache/client.h"
#include "core/config.h"
#include "ratelimit/client_address.h"
#include "ratelimit/limiter.h"
#include "ratelimit/shared_table.h"
#include "support/programs.h"

namespace authd::ratelimit {

struct SharedTableTestPeer {
    static void lock_and_keep(SharedTable& table) { table.lock_and_keep_for_test(); }
};

namespace {

using authd::testing::on_path;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A unix time at the start of a 60 s (and 900 s, and 3600 s) window.
constexpr int64_t kT0 = 1'700'006'400;
static_assert(kT0 % 3600 == 0);

// The wait status of `pid`, or nullopt (after killing it) if it has not
// exited within `timeout`: a deadlock fails the test instead of hanging it.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 || Clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return std::nullopt;
        }
        std::this_thread::sleep_for(2ms);
    }
}

bool exited_zero(const std::optional<int>& status) {
    return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

std::unique_ptr<SharedTable> make_table(size_t slots) {
    auto table = SharedTable::create(slots);
    if (!table) ADD_FAILURE() << table.error().detail;
    return table ? std::move(*table) : nullptr;
}

// --- window arithmetic and keys ---

TEST(Window, FirstAndLastSecond) {
    Window w = window_at(kT0, 60);
    EXPECT_EQ(w.index, kT0 / 60);
    EXPECT_EQ(w.end, kT0 + 60);
    w = window_at(kT0 + 59, 60);
    EXPECT_EQ(w.index, kT0 / 60);
    EXPECT_EQ(w.end, kT0 + 60);
    w = window_at(kT0 + 60, 60);
    EXPECT_EQ(w.index, kT0 / 60 + 1);
    EXPECT_EQ(w.end, kT0 + 120);
}

TEST(Window, SmallAndOddInputs) {
    EXPECT_EQ(window_at(0, 900).index, 0);
    EXPECT_EQ(window_at(0, 900).end, 900);
    EXPECT_EQ(window_at(-1, 60).index, -1);  // floor, not truncation toward 0
    EXPECT_EQ(window_at(-1, 60).end, 0);
    EXPECT_EQ(window_at(7, 0).index, 7);  // a window of 0 s is taken as 1 s
    EXPECT_EQ(window_at(7, 0).end, 8);
}

TEST(CacheKey, HidesTheSubjectAndFitsMemcached) {
    const std::string key = cache_key("forgot-password", 472224, "Alice Smith@example.com");
    EXPECT_EQ(key.rfind("rl:forgot-password:472224:", 0), 0u) << key;
    const std::string hex = key.substr(key.rfind(':') + 1);
    EXPECT_EQ(hex.size(), 32u);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
    EXPECT_EQ(key.find('@'), std::string::npos);
    EXPECT_EQ(key.find(' '), std::string::npos);
    EXPECT_LE(key.size(), 250u);
    EXPECT_NE(cache_key("login", 1, "a"), cache_key("login", 1, "b"));
    EXPECT_NE(cache_key("login", 1, "a"), cache_key("login", 2, "a"));
    EXPECT_NE(cache_key("login", 1, "a"), cache_key("register", 1, "a"));
    EXPECT_EQ(cache_key("login", 1, "a"), cache_key("login", 1, "a"));
}

// --- client_subject ---

TEST(ClientSubject, Ipv4AsIs) {
    EXPECT_EQ(client_subject("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(client_subject("127.0.0.2"), "127.0.0.2");
    EXPECT_NE(client_subject("192.0.2.7"), client_subject("192.0.2.8"));
}

TEST(ClientSubject, Ipv6ReducedToItsSlash64) {
    EXPECT_EQ(client_subject("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    // Another address, spelled differently, in the same /64.
    EXPECT_EQ(client_subject("2001:0DB8:0001:0002::1"), "2001:db8:1:2::/64");
    EXPECT_EQ(client_subject("2001:db8:1:3::1"), "2001:db8:1:3::/64");
    EXPECT_EQ(client_subject("::1"), "::/64");
    EXPECT_EQ(client_subject("fe80::1:2:3:4"), "fe80::/64");
    EXPECT_EQ(client_subject("2001:db8:0:0:1::"), "2001:db8::/64");
}

TEST(ClientSubject, Ipv4MappedIsTheIpv4Address) {
    EXPECT_EQ(client_subject("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(client_subject("::FFFF:c000:0207"), "192.0.2.7");
    EXPECT_EQ(client_subject("::ffff:192.0.2.7"), client_subject("192.0.2.7"));
}

TEST(ClientSubject, UnparseableUnchanged) {
    for (std::string_view s :
         {"", "garbage", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4",
          "[::1]", "::1%lo", "1.2.3.4:80", "2001:db8::1::2", "::ffff:1.2.3.4.5"}) {
        EXPECT_EQ(client_subject(s), s) << s;
    }
    using namespace std::string_view_literals;
    EXPECT_EQ(client_subject("1.2.3.4\0junk"sv), "1.2.3.4\0junk"sv);
}

// --- SharedTable ---

TEST(SharedTable, RejectsZeroSlots) {
    auto table = SharedTable::create(0);
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().code, ErrorCode::invalid_input);
}

TEST(SharedTable, CountsPerKeyAndPerWindow) {
    auto table = make_table(65536);
    ASSERT_TRUE(table);
    const int64_t w = kT0 / 60;
    EXPECT_EQ(table->increment("login:a", w, (w + 1) * 60), 1u);
    EXPECT_EQ(table->increment("login:a", w, (w + 1) * 60), 2u);
    EXPECT_EQ(table->increment("login:a", w, (w + 1) * 60), 3u);
    EXPECT_EQ(table->increment("login:b", w, (w + 1) * 60), 1u);
    EXPECT_EQ(table->increment("register:a", w, (w + 1) * 60), 1u);
    // The next window starts again at 1 and leaves the other keys alone.
    EXPECT_EQ(table->increment("login:a", w + 1, (w + 2) * 60), 1u);
    EXPECT_EQ(table->increment("login:a", w + 1, (w + 2) * 60), 2u);
    EXPECT_EQ(table->increment("login:b", w, (w + 1) * 60), 2u);
}

TEST(SharedTable, EndedWindowsFreeTheirSlots) {
    auto table = make_table(SharedTable::kWays);  // one bucket: every key meets every other
    ASSERT_TRUE(table);
    const int64_t w = kT0 / 60;
    for (int round = 0; round < 3; ++round) {
        const int64_t index = w + round;
        for (size_t k = 0; k < SharedTable::kWays; ++k) {
            const std::string key = "k" + std::to_string(k);
            EXPECT_EQ(table->increment(key, index, (index + 1) * 60), 1u) << key << round;
            EXPECT_EQ(table->increment(key, index, (index + 1) * 60), 2u) << key << round;
        }
    }
}

TEST(SharedTable, FullBucketEvictsItsLeastUsedCounter) {
    auto table = make_table(SharedTable::kWays);  // one bucket
    ASSERT_TRUE(table);
    const int64_t w = kT0 / 3600;
    const int64_t end = (w + 1) * 3600;
    // Seven keys at 5 and "light" at 2: the bucket is full of live counters.
    for (size_t k = 0; k + 1 < SharedTable::kWays; ++k) {
        for (int i = 0; i < 5; ++i) table->increment("k" + std::to_string(k), w, end);
    }
    table->increment("light", w, end);
    EXPECT_EQ(table->increment("light", w, end), 2u);
    // A new key starts at 1, in the least-used slot...
    EXPECT_EQ(table->increment("new", w, end), 1u);
    EXPECT_EQ(table->increment("new", w, end), 2u);
    // ...and the evicted key starts again if it comes back (taking the
    // slot of "new", now the least used).
    EXPECT_EQ(table->increment("light", w, end), 1u);
    EXPECT_EQ(table->increment("new", w, end), 1u);
    // The heavier counters never moved.
    for (size_t k = 0; k + 1 < SharedTable::kWays; ++k) {
        EXPECT_EQ(table->increment("k" + std::to_string(k), w, end), 6u) << k;
    }
}

TEST(SharedTable, AFloodOfNewKeysNeitherRefusesNorResetsOthers) {
    auto table = make_table(SharedTable::kWays);  // one bucket: the worst case
    ASSERT_TRUE(table);
    const int64_t w = kT0 / 3600;
    const int64_t end = (w + 1) * 3600;
    for (int i = 0; i < 3; ++i) table->increment("near-its-limit", w, end);
    // Ten thousand made-up subjects, one request each: every one of them
    // counts 1 (none is charged for another's requests)...
    for (int i = 0; i < 10000; ++i) {
        ASSERT_EQ(table->increment("flood" + std::to_string(i), w, end), 1u) << i;
    }
    // ...a fresh key too, and the used counter kept its count.
    EXPECT_EQ(table->increment("fresh", w, end), 1u);
    EXPECT_EQ(table->increment("near-its-limit", w, end), 4u);
}

TEST(SharedTable, CountsExactlyAcrossProcesses) {
    auto table = make_table(65536);
    ASSERT_TRUE(table);
    constexpr int kChildren = 8;
    constexpr int kEach = 1000;
    const int64_t w = kT0 / 60;
    std::vector<pid_t> children;
    for (int c = 0; c < kChildren; ++c) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            const std::string own = "own:" + std::to_string(c);
            for (int i = 0; i < kEach; ++i) {
                table->increment("shared", w, (w + 1) * 60);
                table->increment(own, w, (w + 1) * 60);
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) EXPECT_TRUE(exited_zero(wait_for(pid, 20s)));
    EXPECT_EQ(table->increment("shared", w, (w + 1) * 60), uint64_t{kChildren * kEach + 1});
    for (int c = 0; c < kChildren; ++c) {
        EXPECT_EQ(table->increment("own:" + std::to_string(c), w, (w + 1) * 60),
                  uint64_t{kEach + 1});
    }
}

// A child takes the table's lock and dies holding it (SIGKILL, or exiting):
// the others must still count.
void check_survives_dead_holder(bool killed) {
    auto table = make_table(64);
    ASSERT_TRUE(table);
    const int64_t w = kT0 / 60;
    auto hit = [&] { return table->increment("k", w, (w + 1) * 60); };
    EXPECT_EQ(hit(), 1u);

    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t holder = fork();
    ASSERT_GE(holder, 0);
    if (holder == 0) {
        SharedTableTestPeer::lock_and_keep(*table);
        ssize_t n = write(ready[1], "x", 1);
        if (killed) {
            for (;;) pause();
        }
        _exit(n == 1 ? 0 : 1);
    }
    char byte = 0;
    ASSERT_EQ(read(ready[0], &byte, 1), 1);
    close(ready[0]);
    close(ready[1]);

    if (killed) {
        // While the holder lives, an increment waits (the hook really holds
        // the lock, so the rest of the test means something).
        pid_t waiter = fork();
        ASSERT_GE(waiter, 0);
        if (waiter == 0) {
            hit();
            _exit(0);
        }
        EXPECT_FALSE(wait_for(waiter, 200ms)) << "the lock was not held";
        kill(holder, SIGKILL);
    }
    int status = 0;
    ASSERT_EQ(waitpid(holder, &status, 0), holder);

    pid_t after = fork();
    ASSERT_GE(after, 0);
    if (after == 0) _exit(hit() == 2 ? 0 : 1);
    // ASSERT: with the lock lost, a hit here would hang the test.
    ASSERT_TRUE(exited_zero(wait_for(after, 3s))) << "deadlocked or miscounted";
    EXPECT_EQ(hit(), 3u);
}

TEST(SharedTable, HolderKilledWithTheLockDoesNotBlockOthers) { check_survives_dead_holder(true); }

TEST(SharedTable, HolderExitingWithTheLockDoesNotBlockOthers) { check_survives_dead_holder(false); }

// --- Limiter against a real memcached ---

// A loopback port nothing listens on (until someone takes it).
int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = -1;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
}

bool accepts_connections(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

// memcached as a child process on 127.0.0.1:port.
class Memcached {
public:
    explicit Memcached(int port) : port_(port) {}
    ~Memcached() { stop(); }
    Memcached(const Memcached&) = delete;
    Memcached& operator=(const Memcached&) = delete;

    // Starts it and waits until it accepts connections.
    bool start() {
        const std::string port = std::to_string(port_);
        std::vector<std::string> args = {"memcached", "-l", "127.0.0.1", "-p", port, "-U", "0"};
        if (geteuid() == 0) {
            args.push_back("-u");
            args.push_back("nobody");
        }
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t parent = getpid();
        pid_ = fork();
        if (pid_ < 0) return false;
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
            if (getppid() != parent) _exit(127);
            execvp(argv[0], argv.data());
            _exit(127);
        }
        const auto deadline = Clock::now() + 3s;
        while (Clock::now() < deadline) {
            if (accepts_connections(port_)) return true;
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }

    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    int port_;
    pid_t pid_ = -1;
};

class LimiterTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!on_path("memcached")) {
            GTEST_SKIP() << "memcached is not on PATH: the Limiter tests need a real one";
        }
        port_ = free_port();
        ASSERT_GT(port_, 0);
        server_ = std::make_unique<Memcached>(port_);
        ASSERT_TRUE(server_->start()) << "memcached did not start on port " << port_;
        table_ = make_table(1024);
        ASSERT_TRUE(table_);
        cache_ = std::make_unique<cache::Client>(
            Config::Cache{.servers = "127.0.0.1:" + std::to_string(port_), .timeout_ms = 200});
        limiter_ = std::make_unique<Limiter>(*cache_, table_.get());
    }

    int port_ = -1;
    std::unique_ptr<Memcached> server_;
    std::unique_ptr<SharedTable> table_;
    std::unique_ptr<cache::Client> cache_;
    std::unique_ptr<Limiter> limiter_;
};

TEST_F(LimiterTest, AllowsMaxThenRefuses) {
    const Limit login{"login", 5, 900};
    const int64_t now = kT0 + 100;
    for (uint64_t i = 1; i <= 5; ++i) {
        Decision d = limiter_->hit(login, "192.0.2.7", now);
        EXPECT_TRUE(d.allowed) << i;
        EXPECT_EQ(d.count, i);
        EXPECT_FALSE(d.cache_down);
        EXPECT_EQ(d.retry_after, 800);
    }
    Decision d = limiter_->hit(login, "192.0.2.7", now + 5);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.count, 6u);
    EXPECT_FALSE(d.cache_down);
    EXPECT_EQ(d.retry_after, 795);
    // Refused requests count too.
    d = limiter_->hit(login, "192.0.2.7", now + 6);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.count, 7u);
    // The counter memcached holds is under the documented key.
    auto stored = cache_->get(cache_key("login", now / 900, "192.0.2.7"));
    ASSERT_TRUE(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ(**stored, "7");
}

TEST_F(LimiterTest, RetryAfterAtTheEdgesOfAWindow) {
    const Limit limit{"edge", 2, 60};
    Decision d = limiter_->hit(limit, "s", kT0);  // first second
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 1u);
    EXPECT_EQ(d.retry_after, 60);
    d = limiter_->hit(limit, "s", kT0 + 59);  // last second
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 2u);
    EXPECT_EQ(d.retry_after, 1);
    d = limiter_->hit(limit, "s", kT0 + 59);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 1);
    d = limiter_->hit(limit, "s", kT0 + 60);  // the next window starts afresh
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 1u);
    EXPECT_EQ(d.retry_after, 60);
}

TEST_F(LimiterTest, SubjectsAndLimitsAreIndependent) {
    const Limit forgot{"forgot-password", 3, 3600};
    const Limit resend{"resend-verification", 3, 3600};
    const int64_t now = kT0 + 10;
    for (int i = 0; i < 4; ++i) limiter_->hit(forgot, "alice@example.com", now);
    EXPECT_FALSE(limiter_->hit(forgot, "alice@example.com", now).allowed);
    Decision d = limiter_->hit(forgot, "bob@example.com", now);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 1u);
    d = limiter_->hit(resend, "alice@example.com", now);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 1u);
}

TEST_F(LimiterTest, ZeroMaxRefusesEverything) {
    Decision d = limiter_->hit(Limit{"closed", 0, 60}, "s", kT0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.count, 1u);
}

TEST_F(LimiterTest, LimitHoldsWhileMemcachedIsDownAndItIsUsedAgainAfter) {
    const Limit login{"login", 5, 900};
    const int64_t now = kT0 + 100;
    for (uint64_t i = 1; i <= 3; ++i) {
        Decision d = limiter_->hit(login, "192.0.2.7", now);
        ASSERT_FALSE(d.cache_down);
        ASSERT_EQ(d.count, i);
    }

    server_->stop();
    // The table already holds the three counted while memcached was up.
    for (uint64_t i = 4; i <= 5; ++i) {
        Decision d = limiter_->hit(login, "192.0.2.7", now);
        EXPECT_TRUE(d.cache_down);
        EXPECT_TRUE(d.allowed) << i;
        EXPECT_EQ(d.count, i);
    }
    Decision d = limiter_->hit(login, "192.0.2.7", now);
    EXPECT_TRUE(d.cache_down);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.count, 6u);
    EXPECT_GE(d.retry_after, 1);
    EXPECT_LE(d.retry_after, 900);
    EXPECT_TRUE(limiter_->hit(login, "192.0.2.8", now).allowed);

    ASSERT_TRUE(server_->start());
    const auto restarted = Clock::now();
    const Limit probe{"probe", 1000, 900};
    bool up = false;
    while (!up && Clock::now() < restarted + 3s) {
        up = !limiter_->hit(probe, "probe", now).cache_down;
        if (!up) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(up);
    EXPECT_LE(Clock::now() - restarted, 2500ms);
}

TEST_F(LimiterTest, AFullTableLimitsNobodyElse) {
    auto tiny = make_table(SharedTable::kWays);
    ASSERT_TRUE(tiny);
    Limiter limiter(*cache_, tiny.get());
    const Limit forgot{"forgot", 3, 3600};
    const Limit login{"login", 2, 900};
    const int64_t now = kT0 + 10;
    for (int i = 0; i < 500; ++i) {
        ASSERT_TRUE(
            limiter.hit(forgot, "made-up-" + std::to_string(i) + "@example.com", now).allowed)
            << i;
    }
    EXPECT_TRUE(limiter.hit(login, "192.0.2.9", now).allowed);
    EXPECT_TRUE(limiter.hit(login, "192.0.2.9", now).allowed);
    EXPECT_FALSE(limiter.hit(login, "192.0.2.9", now).allowed);  // its own limit still holds
    // And with memcached down, where the table decides alone.
    server_->stop();
    for (int i = 500; i < 1000; ++i) {
        ASSERT_TRUE(
            limiter.hit(forgot, "made-up-" + std::to_string(i) + "@example.com", now).allowed)
            << i;
    }
    Decision d = limiter.hit(login, "192.0.2.10", now);
    EXPECT_TRUE(d.cache_down);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 1u);
}

TEST_F(LimiterTest, WithoutATable) {
    Limiter limiter(*cache_, nullptr);
    const Limit limit{"nt", 1, 60};
    EXPECT_TRUE(limiter.hit(limit, "s", kT0).allowed);
    Decision d = limiter.hit(limit, "s", kT0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.count, 2u);
    // Nothing can count: allowed, and flagged.
    server_->stop();
    d = limiter.hit(limit, "s", kT0);
    EXPECT_TRUE(d.cache_down);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.count, 0u);
}

}  // namespace
}  // namespace authd::ratelimit
