// core/jws_alg.h
//
// The names of the JWS signing algorithms authd knows.  Only names: the
// configuration holds the parsed [tokens] algorithm, and core/ depends on
// nothing, so the enum lives here; crypto/jwt signs and verifies with them.
#pragma once

#include <string_view>

namespace authd {

enum class JwsAlg { es256, eddsa, rs256, ps256 };

std::string_view alg_name(JwsAlg alg);  // "ES256", "EdDSA", "RS256", "PS256"
// Exact, case-sensitive; "none" and everything unknown fail.
bool parse_alg(std::string_view name, JwsAlg* out);

}  // namespace authd
