// cognito/rest_bridge.cpp
#include "cognito/rest_bridge.h"

#include "cognito/app_client.h"
#include "json/writer.h"

namespace authd::cognito {

namespace {

http::Request as_rest_request(const http::Request& original, std::string body,
                              const std::string& bearer) {
    http::Request req = original;
    req.body = std::move(body);
    req.content_type = "application/json";
    // NB: only the token the Cognito call carried authenticates it: a
    // browser's cookie riding along must not.
    req.headers.erase("authorization");
    req.headers.erase("cookie");
    req.headers.erase("origin");
    if (!bearer.empty()) req.headers["authorization"] = "Bearer " + bearer;
    return req;
}

}  // namespace

Result<api::Caller, AwsError> caller_of(api::Services& s, const http::Request& original,
                                        const std::string& token) {
    const http::Request req = as_rest_request(original, {}, token);
    auto caller = api::authenticate(s, req);
    if (!caller) return Unexpected{aws_error_of(caller.error())};
    return std::move(*caller);
}

api::Answer run_rest(api::Services& s, const http::Request& original, const RestCall& rest) {
    const http::Request req = as_rest_request(original, rest.json_body, rest.bearer);
    if (rest.limit) {
        if (auto limited = api::over_limit_before_body(s, *rest.limit, req)) {
            return Unexpected{*limited};
        }
    }
    auto body = json::parse_object(req.body);
    if (!body) {
        http::ApiError e{400, "VALIDATION_ERROR", "request body is not valid"};
        e.log_reason = body.error().detail;
        return Unexpected{e};
    }
    return rest.handler(s, api::Call{req, *body, {}});
}

Result<json::Document, AwsError> rest_body(const http::Response& response) {
    auto doc = json::parse_object(response.body.empty() ? std::string_view("{}") : response.body);
    if (!doc) {
        AwsError e{"InternalErrorException", "Internal error", 500, doc.error().detail};
        return Unexpected{e};
    }
    return std::move(*doc);
}

Result<std::string, AwsError> access_token(json::Object body) {
    return required_string(body, "AccessToken");
}

std::string code_delivery_json(std::string_view email) {
    json::Writer w;
    w.begin_object();
    w.key("Destination").string(masked_email(email));
    w.key("DeliveryMedium").string("EMAIL");
    w.key("AttributeName").string("email");
    w.end_object();
    return std::move(w).str();
}

}  // namespace authd::cognito
