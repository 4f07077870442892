// http/response.cpp
//
// Building responses, above all the one error shape every failure shares.
#include "http/response.h"

#include "json/writer.h"

namespace authd::http {

std::string_view status_text(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 302:
            return "Found";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

Response json_response(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

Response error_response(const ApiError& error, std::string_view request_id) {
    json::Writer w;
    w.begin_object();
    w.key("error").string(error.code);
    w.key("message").string(error.message);
    w.key("requestId").string(request_id);
    if (!error.fields.empty()) {
        w.key("fields").begin_object();
        for (const auto& [name, why] : error.fields) w.key(name).string(why);
        w.end_object();
    }
    w.end_object();

    Response r = json_response(error.status, std::move(w).str());
    r.log_reason = error.log_reason;
    if (error.retry_after) r.add_header("Retry-After", std::to_string(*error.retry_after));
    if (!error.www_authenticate.empty()) r.add_header("WWW-Authenticate", error.www_authenticate);
    return r;
}

ApiError api_error(const Error& error) {
    ApiError e = error.code == ErrorCode::unavailable
                     ? ApiError{503, "SERVICE_UNAVAILABLE", "the service is unavailable, try again"}
                     : ApiError{500, "INTERNAL_ERROR", "internal error"};
    e.log_reason = error.detail;
    return e;
}

Response from_error(const Error& error, std::string_view request_id) {
    return error_response(api_error(error), request_id);
}

}  // namespace authd::http
