// mail/message.h
//
// The messages authd sends: one template per security event, rendered as an
// RFC 5322 message (CRLF line endings) with a multipart/alternative body
// whose first part is text/plain; charset=utf-8 and second text/html.
//
// Templates and the variables they read (all optional unless noted):
//   verify_email      code (required, 6 digits), first_name, code_lifetime
//                     (default "24 hours")
//   password_reset    code (required, 6 digits), first_name, code_lifetime
//                     (default "1 hour")
//   password_changed  first_name
//   account_locked    first_name, lock_duration (e.g. "15 minutes")
//   mfa_enabled       first_name
//   mfa_disabled      first_name
// Other variables are ignored.
//
// Guarantees the external tests rely on (api-contract.md section 7): for
// the templates with a code, the text/plain part holds the code alone on
// its own line and no other run of six or more digits; for the others it
// holds no such run at all.  build_message() refuses to produce a message
// that breaks this (a product name with six digits in a row, say).
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace authd::mail {

// True for the six template names above.
bool is_template(std::string_view name);
// True for the templates that carry a code.
bool template_has_code(std::string_view name);

struct Sender {
    std::string from;          // the From: header as configured, "Name <addr>" or "addr"
    std::string product_name;  // shown in subjects and bodies
};

struct Message {
    std::string template_name;
    std::string recipient;  // envelope recipient and To:
    std::string data;       // the whole message, headers and body, CRLF line endings
};

// Renders `template_name` for `recipient` (the normalised address, used as
// given).  `message_id` is the left part of the Message-ID (letters and
// digits only; the right part is the domain of `sender.from`); it also seeds
// the MIME boundary, so the same inputs give the same bytes.  `now` is the
// Date: header.
//
// internal when the template is unknown, a required variable is missing or
// malformed, a header value holds a control character, or the text would
// break the digit-run guarantee above.  The detail never quotes a variable.
Result<Message> build_message(std::string_view template_name, std::string_view recipient,
                              const std::map<std::string, std::string>& vars, const Sender& sender,
                              std::string_view message_id, std::time_t now);

// The address inside `from` ("Name <a@b>" -> "a@b"; a bare address as is).
std::string address_of(std::string_view from);

}  // namespace authd::mail
