// api/app.h
//
// The API pool's request handler: the checks every request goes through
// before its endpoint (contract section 1), then the endpoint.
#pragma once

#include <cstddef>
#include <memory>

#include "api/services.h"
#include "http/handler.h"

namespace authd::api {

class App : public http::RequestHandler {
public:
    explicit App(std::unique_ptr<Services> services) : services_(std::move(services)) {}
    http::Response handle(const http::Request& request) override;

private:
    // Sets `route_slot` to the matched route's metrics slot.
    http::Response dispatch(const http::Request& request, const std::string& cors_origin,
                            size_t& route_slot);
    std::unique_ptr<Services> services_;
};

// True for application/json and any type/subtype+json, ignoring parameters
// and case.
bool is_json_media_type(std::string_view content_type);

// True for application/x-www-form-urlencoded, ignoring parameters and case.
bool is_form_media_type(std::string_view content_type);

}  // namespace authd::api
