// fuzz/fuzz_form_urlencoded.cpp
//
// The login page's form body (application/x-www-form-urlencoded) and the
// field rules its values then meet: percent-decoding, the email, name and
// password rules.  A decoded value must never be longer than its encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "forms/email.h"
#include "forms/names.h"
#include "forms/password_policy.h"
#include "http/redirect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace authd;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const forms::PasswordPolicy policy;
    for (std::string_view field : {"email", "password", "code", "sessionToken", "rd"}) {
        const std::string value = http::query_param(body, field);
        if (value.size() > body.size()) std::abort();
        const std::string email = forms::normalize_email(value);
        if (!forms::email_problem(email)) (void)forms::email_local_part(email);
        const std::string name = forms::trim_name(value);
        (void)forms::name_problem(name);
        (void)forms::password_problem(policy, value, email, name, name);
    }
    bool ok = false;
    const std::string decoded = http::percent_decode_query(body, &ok);
    if (decoded.size() > body.size()) std::abort();
    (void)http::percent_encode(decoded);
    return 0;
}
