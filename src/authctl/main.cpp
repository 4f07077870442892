// authctl/main.cpp
//
// The admin CLI: `authctl [--config FILE] migrate`.
#include <cstdio>
#include <cstring>
#include <string>

#include "core/config.h"
#include "db/connection.h"
#include "db/migrations.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authctl [--config FILE] COMMAND\n"
                 "commands:\n"
                 "  migrate   apply the schema migrations not yet applied\n");
}

int migrate(const authd::Config& config) {
    authd::db::Connection conn(config.database);
    auto applied = authd::db::apply_migrations(conn);
    if (!applied) {
        std::fprintf(stderr, "authctl: migrate: %s\n", applied.error().detail.c_str());
        return 1;
    }
    for (const auto& v : *applied) std::printf("applied %s\n", v.c_str());
    if (applied->empty()) std::printf("schema is up to date\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path = kDefaultConfig;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (std::strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 64;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 64;
    }
    std::string command = argv[i];
    auto config = authd::load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "authctl: %s\n", config.error().detail.c_str());
        return 1;
    }
    if (command == "migrate") return migrate(*config);
    usage(stderr);
    return 64;
}
