// core/jws_alg.cpp
//
// One table of names, in both directions: alg_name() is the JWS "alg"
// header value (RFC 7518 3.1, RFC 8037 3.1) and parse_alg() accepts
// exactly those, so a name that parses prints back the same.
#include "core/jws_alg.h"

namespace authd {

std::string_view alg_name(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::es256:
            return "ES256";
        case JwsAlg::eddsa:
            return "EdDSA";
        case JwsAlg::rs256:
            return "RS256";
        case JwsAlg::ps256:
            return "PS256";
    }
    return "?";
}

bool parse_alg(std::string_view name, JwsAlg* out) {
    for (const JwsAlg alg : {JwsAlg::es256, JwsAlg::eddsa, JwsAlg::rs256, JwsAlg::ps256}) {
        if (name == alg_name(alg)) {
            *out = alg;
            return true;
        }
    }
    return false;
}

}  // namespace authd
