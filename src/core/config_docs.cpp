// core/config_docs.cpp
#include "core/config_docs.h"

#include <string_view>
#include <vector>

#include "core/config.h"

namespace authd {
namespace {

// `text` broken at spaces into lines of at most `width` characters, each
// starting with `prefix` (a word longer than the width gets its own line).
std::string wrapped(std::string_view text, std::string_view prefix, size_t width) {
    std::string out;
    std::string line(prefix);
    while (!text.empty()) {
        const size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (word.empty()) continue;
        if (line.size() > prefix.size() && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line = std::string(prefix);
        }
        if (line.size() > prefix.size()) line += ' ';
        line += word;
    }
    if (line.size() > prefix.size()) out += line + "\n";
    return out;
}

// Text made safe for a roff text line: a backslash is written \e, and a
// line may not start with a control character.
std::string roff_escaped(std::string_view text) {
    std::string out;
    for (char ch : text) {
        if (ch == '\\') {
            out += "\\e";
        } else {
            out += ch;
        }
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
    return out;
}

}  // namespace

std::string config_template() {
    std::string out =
        "# /etc/authd/authd.conf: the configuration of authd and authctl (authd.conf(5)).\n"
        "#\n"
        "# Every option is here with its default, commented out: uncomment a line to\n"
        "# change it.  AUTHD_<SECTION>_<KEY> in the environment (AUTHD_DATABASE_URL)\n"
        "# wins over this file.  A secret (password, smtp_password) can instead be\n"
        "# read from a file: password_file = /etc/authd/db-password, or\n"
        "# AUTHD_<SECTION>_<KEY>_FILE.  `authd --check-config` shows the result.\n"
        "#\n"
        "# Set at least [tokens] issuer (the public base URL) and check [database]\n"
        "# url and [cache] servers before `authctl migrate` and starting authd.\n"
        "#\n"
        "# Written from authd's option table (authd --config-template).\n";
    std::string_view section;
    for (const OptionDoc& o : option_docs()) {
        if (o.section != section) {
            section = o.section;
            out += "\n[" + std::string(section) + "]\n";
        }
        out += "\n" + wrapped(o.doc, "# ", 78);
        if (o.secret) {
            out += "# (secret: or " + std::string(o.key) + "_file = a file that holds it)\n";
        }
        out += "#" + std::string(o.key) + " =";
        if (!o.default_value.empty()) out += " " + std::string(o.default_value);
        out += "\n";
    }
    return out;
}

std::string config_man_options() {
    std::string out;
    std::string_view section;
    for (const OptionDoc& o : option_docs()) {
        if (o.section != section) {
            section = o.section;
            out += ".SS [" + std::string(section) + "]\n";
        }
        out += ".TP\n\\fB" + roff_escaped(o.key) + "\\fR = ";
        out += o.default_value.empty() ? std::string("(empty)")
                                       : "\\fI" + roff_escaped(o.default_value) + "\\fR";
        out += "\n" + roff_escaped(o.doc) + ".";
        if (o.secret) {
            out += "\nSecret: never logged, shown masked by \\fB\\-\\-check\\-config\\fR; \\fB" +
                   roff_escaped(o.key) + "_file\\fR names a file that holds it instead.";
        }
        out += "\n";
    }
    return out;
}

}  // namespace authd
