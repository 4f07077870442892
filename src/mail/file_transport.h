// mail/file_transport.h
//
// The development transport: one .eml file per message in a directory
// (var/mail/ under scripts/dev.sh), which the tests read.  A file appears
// complete or not at all: it is written to a dot-file with a .tmp suffix
// in the same directory, fsync'd, renamed to its final name, and the
// directory fsync'd.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "core/result.h"
#include "mail/message.h"

namespace authd::mail {

// "<UTC time>-<sequence>-<template>.eml", e.g.
// "20261123T010203Z-00000042-verify_email.eml": the time as
// YYYYMMDDTHHMMSSZ, the sequence (the outbox id) zero-padded to 8 digits.
std::string message_file_name(std::time_t now, int64_t sequence, std::string_view template_name);

// unavailable unless `dir` is an existing directory this process may write;
// the detail starts with "[mail] dir".
Result<void> check_mail_dir(const std::string& dir);

// Writes `message` into `dir` under message_file_name(now, sequence, ...)
// and returns that name.  A file of the same name is replaced (a retried
// message).  unavailable on any I/O failure (the detail names the call and
// errno), internal for a template name that is not [a-z_]+; no temporary
// file is left behind either way.
Result<std::string> write_message_file(const std::string& dir, int64_t sequence,
                                       const Message& message, std::time_t now);

}  // namespace authd::mail
