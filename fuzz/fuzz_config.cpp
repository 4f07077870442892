// fuzz/fuzz_config.cpp
//
// The config parser on any file text.  It answers a Config or an error that
// names a place, and a Config it accepts describes itself (what
// `authd --check-config` prints) without failing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = authd::parse_config(text, "fuzz.conf");
    if (config) (void)authd::describe_config(*config);
    return 0;
}
