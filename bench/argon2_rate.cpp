// bench/argon2_rate.cpp: the raw Argon2id rate that bench/login.sh holds
// logins per second against: THREADS threads hashing a password in a loop
// with libargon2 at the given cost, for SECONDS; prints the hashes per
// second of all of them together, per thread, and the CPU time of one
// hash in milliseconds (the process's CPU time over the hashes).
//
//   argon2_rate MEMORY_KIB ITERATIONS PARALLELISM THREADS SECONDS
//
// A login verifies one Argon2id hash (argon2id_verify, which hashes once
// and compares), so this is the ceiling of logins per second on this
// machine at these parameters, with nothing else running.
#include <argon2.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s MEMORY_KIB ITERATIONS PARALLELISM THREADS SECONDS\n",
                     argv[0]);
        return 64;
    }
    const auto memory_kib = static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const auto iterations = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    const auto parallelism = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
    const int threads = std::atoi(argv[4]);
    const double seconds = std::atof(argv[5]);

    std::atomic<bool> stop{false};
    std::atomic<bool> failed{false};
    std::vector<uint64_t> counts(static_cast<size_t>(threads), 0);
    std::vector<std::thread> pool;
    const auto started = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const std::string password = "Bench-Login-1!";
            const uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
            uint8_t hash[32];
            while (!stop.load(std::memory_order_relaxed)) {
                if (argon2id_hash_raw(iterations, memory_kib, parallelism, password.data(),
                                      password.size(), salt, sizeof salt, hash,
                                      sizeof hash) != ARGON2_OK) {
                    failed = true;
                    return;
                }
                ++counts[static_cast<size_t>(t)];
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (failed) {
        std::fprintf(stderr, "argon2id_hash_raw failed\n");
        return 1;
    }
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    timespec cpu{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    const double cpu_ms =
        static_cast<double>(cpu.tv_sec) * 1e3 + static_cast<double>(cpu.tv_nsec) / 1e6;
    std::printf("%.1f %.1f %.2f\n", static_cast<double>(total) / elapsed,
                static_cast<double>(total) / elapsed / threads,
                total > 0 ? cpu_ms / static_cast<double>(total) : 0.0);
    return 0;
}
