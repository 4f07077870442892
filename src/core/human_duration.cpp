// core/human_duration.cpp
#include "core/human_duration.h"

namespace authd {

std::string human_duration(int seconds) {
    auto unit = [](int n, const char* name) {
        return std::to_string(n) + " " + name + (n == 1 ? "" : "s");
    };
    if (seconds % 86400 == 0 && seconds >= 86400 * 2) return unit(seconds / 86400, "day");
    if (seconds % 3600 == 0) return unit(seconds / 3600, "hour");
    if (seconds % 60 == 0) return unit(seconds / 60, "minute");
    return unit(seconds, "second");
}

}  // namespace authd
