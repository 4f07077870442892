// mail/smtp_transport.cpp
//
// SMTP delivery with libcurl's easy interface.  Each send() resets the
// handle's options (curl_easy_reset keeps the connection cache, so the next
// message may reuse the connection) and sets them all again, pointing curl
// at this call's buffers only while curl_easy_perform runs.
//
// The message already has CRLF line endings; curl dot-stuffs the body.
// Failures are sorted by what the outbox should do: a 5xx reply to RCPT TO
// or to the end of the data means the server refuses this message
// (invalid_input); everything else, 4xx replies and AUTH, TLS or MAIL FROM
// failures (configuration, not the message) included, is `unavailable`.
#include "mail/smtp_transport.h"

#include <algorithm>
#include <string_view>

namespace authd::mail {
namespace {

using CurlListPtr = CPtr<curl_slist, curl_slist_free_all>;

constexpr long kConnectTimeout = 10;  // seconds
constexpr long kTotalTimeout = 30;

struct Upload {
    std::string_view rest;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    size_t n = std::min(size * count, up->rest.size());
    up->rest.copy(buffer, n);
    up->rest.remove_prefix(n);
    return n;
}

}  // namespace

SmtpTransport::SmtpTransport(CurlPtr curl, const Config::Mail& config)
    : curl_(std::move(curl)),
      url_(config.smtp_url),
      mail_from_("<" + address_of(config.from) + ">"),
      username_(config.smtp_username),
      password_(config.smtp_password),
      starttls_(config.smtp_starttls) {}

Result<void> check_smtp_settings(const Config::Mail& config) {
    std::string_view url = config.smtp_url;
    if (!url.starts_with("smtp://") && !url.starts_with("smtps://")) {
        return fail(ErrorCode::invalid_input, "[mail] smtp_url must be smtp:// or smtps://");
    }
    if (address_of(config.from).find('@') == std::string::npos) {
        return fail(ErrorCode::invalid_input, "[mail] from holds no address");
    }
    return {};
}

Result<SmtpTransport> SmtpTransport::create(const Config::Mail& config) {
    if (auto ok = check_smtp_settings(config); !ok) return Unexpected{ok.error()};
    CurlPtr curl(curl_easy_init());
    if (!curl) return fail(ErrorCode::internal, "curl_easy_init failed");
    return SmtpTransport(std::move(curl), config);
}

Result<void> SmtpTransport::send(const Message& message) {
    CURL* c = curl_.get();
    curl_easy_reset(c);
    char error_text[CURL_ERROR_SIZE] = {0};
    const std::string rcpt = "<" + message.recipient + ">";
    CurlListPtr recipients(curl_slist_append(nullptr, rcpt.c_str()));
    if (!recipients) return fail(ErrorCode::internal, "curl_slist_append failed");
    Upload upload{message.data};

    CURLcode set = CURLE_OK;
    auto opt = [&](CURLoption option, auto value) {
        if (set == CURLE_OK) set = curl_easy_setopt(c, option, value);
    };
    opt(CURLOPT_URL, url_.c_str());
    opt(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    opt(CURLOPT_USE_SSL, static_cast<long>(starttls_ ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    opt(CURLOPT_MAIL_FROM, mail_from_.c_str());
    opt(CURLOPT_MAIL_RCPT, recipients.get());
    opt(CURLOPT_UPLOAD, 1L);
    opt(CURLOPT_READFUNCTION, read_upload);
    opt(CURLOPT_READDATA, &upload);
    opt(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.data.size()));
    opt(CURLOPT_CONNECTTIMEOUT, kConnectTimeout);
    opt(CURLOPT_TIMEOUT, kTotalTimeout);
    opt(CURLOPT_NOSIGNAL, 1L);
    opt(CURLOPT_ERRORBUFFER, error_text);
    if (!username_.empty()) {
        opt(CURLOPT_USERNAME, username_.c_str());
        // A Secret's view ends in the NUL of its std::string; curl copies it.
        opt(CURLOPT_PASSWORD, password_.reveal().data());
    }
    if (set != CURLE_OK) {
        curl_easy_reset(c);
        return fail(ErrorCode::internal, std::string("smtp: setopt: ") + curl_easy_strerror(set));
    }

    const CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    // NB: no pointer to this frame may outlive it.
    curl_easy_reset(c);
    if (rc == CURLE_OK) return {};

    std::string detail = "smtp: ";
    detail += error_text[0] ? error_text : curl_easy_strerror(rc);
    if (reply != 0) detail += " (reply " + std::to_string(reply) + ")";
    // Refused for good: a 5xx to RCPT TO (this recipient) or to the end of
    // the data (this message).  A 5xx anywhere else (AUTH, MAIL FROM:
    // "530 authentication required") is the server's configuration or ours,
    // and the message must wait for it to be fixed, not be given up.
    const bool permanent_reply = reply >= 500 && reply <= 599;
    const bool refused =
        permanent_reply &&
        (rc == CURLE_WEIRD_SERVER_REPLY ||
         (rc == CURLE_SEND_ERROR && std::string_view(error_text).starts_with("RCPT failed")));
    return fail(refused ? ErrorCode::invalid_input : ErrorCode::unavailable, detail);
}

}  // namespace authd::mail
