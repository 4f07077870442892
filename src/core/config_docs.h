// core/config_docs.h
//
// The documents made from the option table (core/config.h option_docs):
// the commented configuration file the package installs as
// /etc/authd/authd.conf, and the OPTIONS section of authd.conf(5).  The
// build runs `authd --config-template` and `authd --config-man` to write
// them, so a new option shows up in both without anyone remembering to.
#pragma once

#include <string>

namespace authd {

// Every option, section by section, as a commented-out `key = default`
// line under its wrapped documentation: a file that parses to the
// defaults and that an operator edits by uncommenting.
std::string config_template();

// The options as roff (man(7)): one .SS per section, one .TP per key with
// its default; the body of authd.conf(5)'s OPTIONS section.
std::string config_man_options();

}  // namespace authd
