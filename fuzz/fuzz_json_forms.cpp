// fuzz/fuzz_json_forms.cpp
//
// A request body as any client could send it: the strict JSON reader, then
// every form parser of the API on what it accepted.  Neither may crash,
// leak or read out of bounds; a parser may only answer a form or errors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "forms/requests.h"
#include "json/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace authd;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto doc = json::parse_object(text);
    if (!doc) return 0;
    const json::Object body = doc->root();
    const forms::PasswordPolicy policy;
    (void)forms::parse_register(body, policy);
    (void)forms::parse_email_code(body);
    (void)forms::parse_email_only(body);
    (void)forms::parse_login(body);
    (void)forms::parse_refresh(body);
    (void)forms::parse_logout(body);
    (void)forms::parse_profile(body);
    (void)forms::parse_password(body);
    (void)forms::parse_reset(body);
    (void)forms::parse_change_password(body);
    (void)forms::parse_code(body);
    (void)forms::parse_mfa_login(body);
    (void)forms::parse_password_code(body);
    return 0;
}
