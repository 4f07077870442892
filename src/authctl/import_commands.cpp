// authctl/import_commands.cpp
//
// `authctl import cognito FILE`: moves the users of a Cognito user pool,
// as `aws cognito-idp list-users` prints them ({"Users": [...]}), into
// authd.  Cognito never exports password hashes, so each account is
// created with no password and a reset required (accounts::import_user):
// the first sign-in through either door answers PASSWORD_RESET_REQUIRED
// (PasswordResetRequiredException) and forgot-password sets one.  The
// Cognito `sub` stays the user id, so tokens' sub and the app's foreign
// keys stay valid; the email stays verified as it was; a disabled user
// stays disabled (login/account_state.h).  TOTP secrets are not exported
// either: users who had MFA enrol again, and the summary counts them.
//
// Each record is its own transaction, so a bad one (no sub, a bad email,
// a date Postgres refuses) is reported on stderr and the rest go on; a
// user whose id or email is present already is skipped, so a second run
// changes nothing.  Exit 0 when no record failed, 1 otherwise.
#include <cstdio>
#include <fstream>
#include <iterator>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "authctl/cli.h"
#include "forms/email.h"
#include "json/document.h"
#include "login/account_state.h"
#include "sessions/session_store.h"

namespace authd::authctl {
namespace {

constexpr const char* kUsage = "usage: authctl import cognito FILE";

struct Tally {
    int imported = 0;
    int skipped = 0;
    int failed = 0;
    int had_mfa = 0;
    std::vector<std::string> errors;
};

std::optional<std::string> attribute(const std::vector<json::Object>& attrs,
                                     std::string_view name) {
    for (json::Object a : attrs) {
        auto n = a.find_string("Name");
        auto v = a.find_string("Value");
        if (n && *n && **n == name && v && *v) return **v;
    }
    return std::nullopt;
}

// The account a record describes, or why it cannot be one.
Result<accounts::ImportedUser> imported_user(json::Object record, bool& enabled, bool& had_mfa) {
    auto bad = [](std::string why) { return fail(ErrorCode::invalid_input, std::move(why)); };
    auto username = record.find_string("Username");
    auto attrs = record.find_object_array("Attributes");
    if (!attrs) return bad("Attributes is not a list of {Name, Value}");
    const std::vector<json::Object> list = *attrs ? **attrs : std::vector<json::Object>();
    accounts::ImportedUser u;
    std::optional<std::string> sub = attribute(list, "sub");
    if (!sub && username && *username && sessions::is_uuid(**username)) sub = **username;
    if (!sub || !sessions::is_uuid(*sub)) return bad("no sub attribute that is a UUID");
    u.id = *sub;
    auto email = attribute(list, "email");
    if (!email) return bad("no email attribute");
    u.email = forms::normalize_email(*email);
    if (auto problem = forms::email_problem(u.email)) return bad("email: " + *problem);
    u.email_verified = attribute(list, "email_verified").value_or("false") == "true";
    u.first_name = attribute(list, "given_name").value_or("");
    u.last_name = attribute(list, "family_name").value_or("");
    if (u.first_name.empty() && u.last_name.empty()) {
        const std::string name = attribute(list, "name").value_or("");
        const size_t space = name.rfind(' ');
        u.first_name = name.substr(0, space);
        if (space != std::string::npos) u.last_name = name.substr(space + 1);
    }
    // NB: an unverified account keeps no old creation date: unverified
    // accounts are purged [accounts] unverified_ttl after it, and an
    // imported one must get that long to verify from now on.
    if (auto created = record.find_string("UserCreateDate");
        created && *created && u.email_verified) {
        u.created_at = **created;
    }
    auto en = record.find_bool("Enabled");
    enabled = !(en && *en && !**en);
    auto mfa = record.find_object_array("MFAOptions");
    auto settings = record.find_string_array("UserMFASettingList");
    had_mfa = (mfa && *mfa && !(*mfa)->empty()) || (settings && *settings && !(*settings)->empty());
    return u;
}

// One record, in its own transaction.
void import_record(db::Connection& db, json::Object record, size_t index, Tally& tally) {
    auto username = record.find_string("Username");
    const std::string label = "record " + std::to_string(index + 1) +
                              (username && *username ? " (" + **username + ")" : "");
    bool enabled = true;
    bool had_mfa = false;
    auto refused = [&](const std::string& why) {
        ++tally.failed;
        tally.errors.push_back(label + ": " + why);
        std::fprintf(stderr, "authctl: import cognito: %s: %s\n", label.c_str(), why.c_str());
    };
    auto user = imported_user(record, enabled, had_mfa);
    if (!user) return refused(user.error().detail);
    auto tx = db::Transaction::begin(db);
    if (!tx) return refused(tx.error().detail);
    auto created = accounts::import_user(db, *user);
    if (!created) return refused(created.error().detail);
    if (!*created) {
        ++tally.skipped;
        return;
    }
    if (!enabled) {
        if (auto r = login::disable_account(*tx, **created); !r) return refused(r.error().detail);
    }
    if (auto r = audit::record(db, "user_imported", user->id, operator_origin(),
                               operator_detail({{"from", "cognito"}}));
        !r) {
        return refused(r.error().detail);
    }
    if (auto r = tx->commit(); !r) return refused(r.error().detail);
    ++tally.imported;
    if (had_mfa) ++tally.had_mfa;
}

}  // namespace

int run_import(const Invocation& call) {
    const auto& a = call.args;
    if (a.size() != 2 || a[0] != "cognito") return fail("import", kUsage, kExitUsage);
    constexpr const char* what = "import cognito";
    std::ifstream in(a[1], std::ios::binary);
    if (!in) return fail(what, "cannot read " + a[1]);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto doc = json::parse_object(text);
    if (!doc)
        return fail(what,
                    a[1] + " is not the JSON of aws cognito-idp list-users: " + doc.error().detail,
                    kExitUsage);
    auto users = doc->root().find_object_array("Users");
    if (!users || !*users) return fail(what, a[1] + " has no \"Users\" list", kExitUsage);

    db::Connection db(call.config.database);
    Tally tally;
    for (size_t i = 0; i < (*users)->size(); ++i) import_record(db, (**users)[i], i, tally);

    if (call.json) {
        json::Writer out;
        out.begin_object();
        out.key("imported").number(tally.imported);
        out.key("skipped").number(tally.skipped);
        out.key("failed").number(tally.failed);
        out.key("mfa_to_enrol_again").number(tally.had_mfa);
        out.key("errors").begin_array();
        for (const auto& e : tally.errors) out.string(e);
        out.end_array();
        out.end_object();
        print_line(std::move(out).str());
    } else {
        std::printf(
            "imported %d, skipped %d (present already), failed %d; %d had MFA and must enrol "
            "again; each imported user sets a password with forgot-password\n",
            tally.imported, tally.skipped, tally.failed, tally.had_mfa);
    }
    return tally.failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace authd::authctl
