// core/html_escape.h
//
// Text for HTML, in an element or a quoted attribute: & < > " ' as
// character references, every other byte unchanged (the pages and mails
// are UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace authd {

std::string html_escape(std::string_view text);

}  // namespace authd
