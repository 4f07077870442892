// api/app.h
//
// The API pool's request handler: the checks every request goes through
// before its endpoint (contract section 1), then the endpoint.
#pragma once

#include <memory>

#include "api/services.h"
#include "http/handler.h"

namespace authd::api {

class App : public http::RequestHandler {
public:
    explicit App(std::unique_ptr<Services> services) : services_(std::move(services)) {}
    http::Response handle(const http::Request& request) override;

private:
    http::Response dispatch(const http::Request& request, const std::string& cors_origin);
    std::unique_ptr<Services> services_;
};

// True for application/json and any type/subtype+json, ignoring parameters
// and case.
bool is_json_media_type(std::string_view content_type);

// True for application/x-www-form-urlencoded, ignoring parameters and case.
bool is_form_media_type(std::string_view content_type);

}  // namespace authd::api
