// mail/smtp_transport.h
//
// The production transport: libcurl's SMTP client.  smtp://host:port speaks
// plain SMTP and, with smtp_starttls (the default), refuses to go on
// unless STARTTLS succeeds; smtps://host:port is TLS from the first byte.
// Certificates are verified.  AUTH is used when smtp_username is set.
// One transport holds one curl handle, so consecutive messages can reuse
// the server connection.
#pragma once

#include <curl/curl.h>

#include "core/c_ptr.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"

namespace authd::mail {

using CurlPtr = CPtr<CURL, curl_easy_cleanup>;

// The settings a transport cannot work without, checked without curl:
// invalid_input when smtp_url is not smtp:// or smtps:// or `from` holds no
// address; the detail names the setting ("[mail] smtp_url ...").
Result<void> check_smtp_settings(const Config::Mail& config);

class SmtpTransport {
public:
    // invalid_input when check_smtp_settings() fails; internal when curl
    // cannot make a handle.  The caller has run curl_global_init().
    static Result<SmtpTransport> create(const Config::Mail& config);

    // Sends `message` (MAIL FROM the address in `from`, RCPT TO its
    // recipient), within 10 s to connect and 30 s in all.
    //   unavailable    the server could not be reached, TLS or AUTH failed,
    //                  it answered 4xx, refused MAIL FROM, or went away:
    //                  try again later
    //   invalid_input  the server refused this recipient or this message
    //                  for good (5xx to RCPT TO or to the end of the data)
    // The detail is curl's error text and the SMTP reply code only.
    Result<void> send(const Message& message);

private:
    SmtpTransport(CurlPtr curl, const Config::Mail& config);

    CurlPtr curl_;
    std::string url_;
    std::string mail_from_;  // "<addr>"
    std::string username_;
    Secret password_;
    bool starttls_;
};

}  // namespace authd::mail
