// http/router.cpp
//
// Path patterns: literal segments and at most one `{name}` per segment.
#include "http/router.h"

namespace authd::http {

bool match_path(std::string_view pattern, std::string_view path, std::string* param) {
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty()) return false;
        size_t ps = pattern.find('/', 1);
        size_t qs = path.find('/', 1);
        std::string_view pseg = pattern.substr(0, ps);
        std::string_view qseg = path.substr(0, qs);
        if (pseg.size() > 2 && pseg[1] == '{' && pseg.back() == '}') {
            if (qseg.size() < 2 || qseg[0] != '/') return false;
            if (param) param->assign(qseg.substr(1));
        } else if (pseg != qseg) {
            return false;
        }
        pattern.remove_prefix(pseg.size());
        path.remove_prefix(qseg.size());
    }
    return true;
}

}  // namespace authd::http
