// api/email_work.cpp
#include "api/email_work.h"

#include "api/answers.h"
#include "api/audit_origin.h"
#include "forms/requests.h"

namespace authd::api {

Answer answer_then_mail(Services& s, const http::Request& request, json::Object body,
                        LimitKind limit, std::string_view message, EmailWork work) {
    auto form = forms::parse_email_only(body);
    if (!form) return invalid(form.error());
    if (auto limited = over_limit(s, limit, form->email)) return refuse(*limited);
    http::Response r = message_response(202, message);
    r.after_response = [&s, work, email = form->email, origin = audit_origin(request)] {
        work(s, email, origin);
    };
    return r;
}

}  // namespace authd::api
