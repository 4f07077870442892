// tests/unit/mail/message_test.cpp
//
// The mail the external tests read (api-contract.md section 7): message
// structure, headers, encodings, the code-alone rule, and the file
// transport's names and atomic writes.  The MIME parsing here is
// deliberately independent of mail/message.cpp.
#include "mail/message.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mail/file_transport.h"
#include "mail/mailer.h"

namespace authd::mail {
namespace {

const std::vector<std::string> kTemplateNames = {"verify_email",     "password_reset",
                                                 "password_changed", "account_locked",
                                                 "mfa_enabled",      "mfa_disabled"};
constexpr std::time_t kNow = 1795395723;  // 2026-11-23T01:02:03Z

Sender sender(std::string product = "Acme") {
    return Sender{"Acme Accounts <no-reply@acme.example>", std::move(product)};
}

Message build(const std::string& name, std::map<std::string, std::string> vars,
              const Sender& s = sender()) {
    auto m = build_message(name, "zoe@example.com", vars, s, "abcdefghijklmnop", kNow);
    EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().detail);
    return m ? *m : Message{};
}

std::map<std::string, std::string> vars_for(const std::string& name,
                                            const std::string& code = "123456") {
    std::map<std::string, std::string> vars = {{"first_name", "Zoe"}};
    if (template_has_code(name)) vars["code"] = code;
    return vars;
}

struct Part {
    std::string headers;  // CRLF-separated, unfolded as received
    std::string body;     // as transferred (still encoded)
};

struct Parsed {
    std::string headers;
    std::vector<Part> parts;
};

// The value of header `name` in a header block, continuation lines joined.
std::string header(const std::string& block, const std::string& name) {
    std::string value;
    bool in = false;
    std::istringstream lines(block);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (in && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            value += line;
            continue;
        }
        in = false;
        if (line.rfind(name + ":", 0) == 0) {
            value = line.substr(name.size() + 1);
            in = true;
        }
    }
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    return value;
}

Parsed parse(const std::string& data) {
    Parsed p;
    size_t split = data.find("\r\n\r\n");
    EXPECT_NE(split, std::string::npos);
    p.headers = data.substr(0, split + 2);
    const std::string type = header(p.headers, "Content-Type");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(type, m, std::regex("boundary=\"([^\"]+)\"")));
    const std::string delimiter = "\r\n--" + m[1].str();
    // The body starts right after the blank line; a delimiter may start it.
    std::string body = "\r\n" + data.substr(split + 4);
    size_t pos = body.find(delimiter);
    while (pos != std::string::npos) {
        size_t after = pos + delimiter.size();
        if (body.compare(after, 2, "--") == 0) break;
        size_t start = body.find("\r\n", after) + 2;
        size_t next = body.find(delimiter, start);
        EXPECT_NE(next, std::string::npos);
        std::string part = body.substr(start, next - start);
        size_t blank = part.find("\r\n\r\n");
        p.parts.push_back({part.substr(0, blank + 2), part.substr(blank + 4)});
        pos = next;
    }
    return p;
}

std::string qp_decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '=') {
            out += s[i];
        } else if (s.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;
        } else {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        }
    }
    return out;
}

std::string decoded(const Part& part) {
    std::string cte = header(part.headers, "Content-Transfer-Encoding");
    return cte == "quoted-printable" ? qp_decode(part.body) : part.body;
}

// RFC 2047 Q words only, as message.cpp writes them.
std::string decode_words(const std::string& value) {
    std::string out;
    std::regex word("=\\?utf-8\\?Q\\?([^?]*)\\?=");
    for (std::sregex_iterator it(value.begin(), value.end(), word), end; it != end; ++it) {
        std::string text = (*it)[1].str();
        for (char& c : text) {
            if (c == '_') c = ' ';
        }
        out += qp_decode(text);
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find("\r\n", start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

std::vector<std::string> six_digit_numbers(const std::string& text) {
    std::vector<std::string> found;
    std::regex six("\\d{6}");
    for (std::sregex_iterator it(text.begin(), text.end(), six), end; it != end; ++it) {
        found.push_back(it->str());
    }
    return found;
}

TEST(MailMessage, CrlfLineEndingsEverywhere) {
    for (const std::string& name : kTemplateNames) {
        const std::string data = build(name, vars_for(name)).data;
        for (size_t i = 0; i < data.size(); ++i) {
            if (data[i] == '\n') {
                ASSERT_TRUE(i > 0 && data[i - 1] == '\r') << name << " at " << i;
            }
            if (data[i] == '\r') {
                ASSERT_TRUE(i + 1 < data.size() && data[i + 1] == '\n') << name << " at " << i;
            }
        }
        ASSERT_TRUE(data.ends_with("\r\n")) << name;
    }
}

TEST(MailMessage, Headers) {
    for (const std::string& name : kTemplateNames) {
        const Parsed p = parse(build(name, vars_for(name)).data);
        EXPECT_EQ(header(p.headers, "From"), "Acme Accounts <no-reply@acme.example>");
        EXPECT_EQ(header(p.headers, "To"), "zoe@example.com");
        EXPECT_FALSE(header(p.headers, "Subject").empty());
        EXPECT_EQ(header(p.headers, "Date"), "Mon, 23 Nov 2026 01:02:03 +0000");
        EXPECT_EQ(header(p.headers, "Message-ID"), "<abcdefghijklmnop@acme.example>");
        EXPECT_EQ(header(p.headers, "MIME-Version"), "1.0");
        EXPECT_EQ(header(p.headers, "X-Authd-Template"), name);
        EXPECT_EQ(header(p.headers, "Auto-Submitted"), "auto-generated");
        EXPECT_TRUE(header(p.headers, "Content-Type").starts_with("multipart/alternative;"));
        for (const std::string& line : lines_of(p.headers)) EXPECT_LE(line.size(), 78u) << line;
    }
}

TEST(MailMessage, FirstPartIsPlainTextThenHtml) {
    for (const std::string& name : kTemplateNames) {
        const Parsed p = parse(build(name, vars_for(name)).data);
        ASSERT_EQ(p.parts.size(), 2u) << name;
        EXPECT_EQ(header(p.parts[0].headers, "Content-Type"), "text/plain; charset=utf-8");
        EXPECT_EQ(header(p.parts[0].headers, "Content-Transfer-Encoding"), "7bit");
        EXPECT_EQ(header(p.parts[1].headers, "Content-Type"), "text/html; charset=utf-8");
        for (const Part& part : p.parts) {
            for (const std::string& line : lines_of(part.body)) EXPECT_LE(line.size(), 76u);
        }
    }
}

TEST(MailMessage, CodeAloneOnItsLineAndNoOtherSixDigitNumber) {
    std::mt19937 rng(20261123);
    std::vector<std::string> codes = {"000000", "000001", "012345", "099999",
                                      "100000", "999999", "424242"};
    for (int i = 0; i < 300; ++i) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%06u", static_cast<unsigned>(rng() % 1000000));
        codes.push_back(buf);
    }
    for (const std::string name : {"verify_email", "password_reset"}) {
        for (const std::string& code : codes) {
            auto vars = vars_for(name, code);
            if (code[5] % 2 == 0) vars.erase("first_name");
            const Parsed p = parse(build(name, vars).data);
            ASSERT_FALSE(p.parts.empty());
            for (const std::string& text : {p.parts[0].body, decoded(p.parts[0])}) {
                EXPECT_EQ(six_digit_numbers(text), std::vector<std::string>{code}) << name;
                int alone = 0;
                for (const std::string& line : lines_of(text)) alone += line == code;
                EXPECT_EQ(alone, 1) << name << " " << code;
            }
        }
    }
}

TEST(MailMessage, NotificationsHoldNoSixDigitNumber) {
    for (const std::string name :
         {"password_changed", "account_locked", "mfa_enabled", "mfa_disabled"}) {
        auto vars = vars_for(name);
        vars["code"] = "123456";  // ignored by these templates
        const Parsed p = parse(build(name, vars).data);
        EXPECT_TRUE(six_digit_numbers(decoded(p.parts[0])).empty()) << name;
    }
}

TEST(MailMessage, CodeLifetimeDefaultsAndOverride) {
    EXPECT_NE(decoded(parse(build("verify_email", vars_for("verify_email")).data).parts[0])
                  .find("expires in 24 hours."),
              std::string::npos);
    EXPECT_NE(decoded(parse(build("password_reset", vars_for("password_reset")).data).parts[0])
                  .find("expires in 1 hour."),
              std::string::npos);
    auto vars = vars_for("password_reset");
    vars["code_lifetime"] = "30 minutes";
    EXPECT_NE(
        decoded(parse(build("password_reset", vars).data).parts[0]).find("expires in 30 minutes."),
        std::string::npos);
}

TEST(MailMessage, NotificationsSayWhatToDoIfItWasNotYou) {
    for (const std::string name :
         {"password_changed", "account_locked", "mfa_enabled", "mfa_disabled"}) {
        const std::string text = decoded(parse(build(name, vars_for(name)).data).parts[0]);
        EXPECT_NE(text.find("If it was not you"), std::string::npos) << name;
        EXPECT_NE(text.find("Forgot password"), std::string::npos) << name;
    }
}

TEST(MailMessage, QuotedPrintableForNonAsciiName) {
    auto vars = vars_for("verify_email", "012345");
    vars["first_name"] = "Zoë Ångström-O’Brien";
    const Parsed p = parse(build("verify_email", vars).data);
    const Part& text = p.parts[0];
    EXPECT_EQ(header(text.headers, "Content-Transfer-Encoding"), "quoted-printable");
    EXPECT_NE(text.body.find("Hello Zo=C3=AB =C3=85ngstr=C3=B6m-O=E2=80=99Brien,\r\n"),
              std::string::npos);
    EXPECT_NE(decoded(text).find("Hello Zoë Ångström-O’Brien,\r\n"), std::string::npos);
    for (const std::string& line : lines_of(text.body)) {
        EXPECT_LE(line.size(), 76u);
        for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    }
}

TEST(MailMessage, QuotedPrintableSoftBreaksRoundTrip) {
    auto vars = vars_for("mfa_enabled");
    vars["first_name"] = std::string(40, 'a') + "é" + std::string(60, 'b') + "= ";
    const Parsed p = parse(build("mfa_enabled", vars).data);
    const Part& text = p.parts[0];
    EXPECT_EQ(header(text.headers, "Content-Transfer-Encoding"), "quoted-printable");
    for (const std::string& line : lines_of(text.body)) {
        EXPECT_LE(line.size(), 76u);
        EXPECT_FALSE(line.ends_with(" "));
    }
    EXPECT_NE(decoded(text).find("Hello " + vars["first_name"] + ",\r\n"), std::string::npos);
}

TEST(MailMessage, HtmlEscapesVariables) {
    auto vars = vars_for("password_changed");
    vars["first_name"] = "<script>alert('x')</script>&\"";
    const Parsed p = parse(build("password_changed", vars).data);
    const std::string html = decoded(p.parts[1]);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"),
              std::string::npos);
    // The text part shows the name as given.
    EXPECT_NE(decoded(p.parts[0]).find("Hello <script>"), std::string::npos);
}

TEST(MailMessage, NonAsciiSubjectIsRfc2047Encoded) {
    const Message m = build("verify_email", vars_for("verify_email"), sender("Café Zoë Ünïcödé"));
    const Parsed p = parse(m.data);
    const std::string subject = header(p.headers, "Subject");
    EXPECT_TRUE(subject.starts_with("=?utf-8?Q?")) << subject;
    EXPECT_EQ(decode_words(subject), "Your Café Zoë Ünïcödé verification code");
    for (const std::string& line : lines_of(p.headers)) {
        EXPECT_LE(line.size(), 76u) << line;
        for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << line;
    }
}

TEST(MailMessage, LongAsciiSubjectIsFolded) {
    const Message m = build("mfa_disabled", vars_for("mfa_disabled"),
                            sender("The Extraordinarily Long Named Product Of Example Corp"));
    const Parsed p = parse(m.data);
    EXPECT_EQ(header(p.headers, "Subject"),
              "Two-factor authentication is off for your The Extraordinarily Long Named "
              "Product Of Example Corp account");
    for (const std::string& line : lines_of(p.headers)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(MailMessage, SameInputsSameBytes) {
    EXPECT_EQ(build("verify_email", vars_for("verify_email")).data,
              build("verify_email", vars_for("verify_email")).data);
}

TEST(MailMessage, Refusals) {
    const Sender s = sender();
    auto try_build = [&](std::string_view name, std::map<std::string, std::string> vars,
                         std::string_view to = "zoe@example.com", const Sender& from = sender(),
                         std::string_view id = "abc") {
        return build_message(name, to, vars, from, id, kNow).has_value();
    };
    EXPECT_TRUE(try_build("verify_email", {{"code", "000000"}}));
    EXPECT_FALSE(try_build("welcome", {}));
    EXPECT_FALSE(try_build("verify_email", {}));
    EXPECT_FALSE(try_build("password_reset", {{"code", "12345"}}));
    EXPECT_FALSE(try_build("password_reset", {{"code", "1234567"}}));
    EXPECT_FALSE(try_build("password_reset", {{"code", "12345a"}}));
    EXPECT_FALSE(try_build("mfa_enabled", {}, "zoe@example.com\r\nBcc: x@evil.example"));
    EXPECT_FALSE(try_build("mfa_enabled", {}, ""));
    EXPECT_FALSE(try_build("mfa_enabled", {}, "zoe@example.com", sender("Acme\r\nBcc: x")));
    EXPECT_FALSE(try_build("mfa_enabled", {}, "zoe@example.com", s, "abc>\r\n"));
    // A configuration that would put a second 6-digit number in the text.
    EXPECT_FALSE(
        try_build("verify_email", {{"code", "123456"}}, "zoe@example.com", sender("Acme 1234567")));
    EXPECT_FALSE(try_build("mfa_enabled", {}, "zoe@example.com", sender("Acme 654321")));
    EXPECT_TRUE(try_build("mfa_enabled", {}, "zoe@example.com", sender("Acme 2026")));
}

TEST(MailMessage, ControlCharactersInVariablesDoNotBreakLines) {
    auto vars = vars_for("verify_email");
    vars["first_name"] = "Zoe\nBcc: x@evil.example";
    const std::string data = build("verify_email", vars).data;
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\n') {
            ASSERT_EQ(data[i - 1], '\r');
        }
    }
    EXPECT_EQ(data.find("\r\nBcc:"), std::string::npos);
}

TEST(MailMessage, AddressOf) {
    EXPECT_EQ(address_of("Acme <no-reply@acme.example>"), "no-reply@acme.example");
    EXPECT_EQ(address_of("\"A, B\" <x@y.example>"), "x@y.example");
    EXPECT_EQ(address_of("  x@y.example "), "x@y.example");
}

TEST(MailMailer, RetryDelayDoublesUpToTheCap) {
    EXPECT_EQ(retry_delay_seconds(0, 300), 1);
    EXPECT_EQ(retry_delay_seconds(1, 300), 2);
    EXPECT_EQ(retry_delay_seconds(8, 300), 256);
    EXPECT_EQ(retry_delay_seconds(9, 300), 300);
    EXPECT_EQ(retry_delay_seconds(100000, 300), 300);
    EXPECT_EQ(retry_delay_seconds(-1, 300), 1);
    EXPECT_EQ(retry_delay_seconds(3, 5), 5);
}

// --- file transport ---

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/authd-mail-test-XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() {
        for (const std::string& name : list(true)) unlink((path_ + "/" + name).c_str());
        rmdir(path_.c_str());
    }
    const std::string& path() const { return path_; }
    std::vector<std::string> list(bool all = true) const {
        std::vector<std::string> names;
        DIR* d = opendir(path_.c_str());
        while (dirent* e = d ? readdir(d) : nullptr) {
            std::string n = e->d_name;
            if (n != "." && n != ".." && (all || n[0] != '.')) names.push_back(n);
        }
        if (d) closedir(d);
        return names;
    }

private:
    std::string path_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(MailFileTransport, FileName) {
    EXPECT_EQ(message_file_name(kNow, 42, "verify_email"),
              "20261123T010203Z-00000042-verify_email.eml");
    const std::regex format("^\\d{8}T\\d{6}Z-\\d{8}-[a-z_]+\\.eml$");
    for (const std::string& name : kTemplateNames) {
        EXPECT_TRUE(std::regex_match(message_file_name(std::time(nullptr), 7, name), format));
    }
}

TEST(MailFileTransport, WritesOneCompleteFileAndNoTemporary) {
    TempDir dir;
    ASSERT_TRUE(check_mail_dir(dir.path()));
    const Message m = build("password_reset", vars_for("password_reset", "000042"));
    auto name = write_message_file(dir.path(), 42, m, std::time(nullptr));
    ASSERT_TRUE(name) << name.error().detail;
    EXPECT_TRUE(
        std::regex_match(*name, std::regex("^\\d{8}T\\d{6}Z-00000042-password_reset\\.eml$")));
    EXPECT_EQ(dir.list(), std::vector<std::string>{*name});  // no dot-file left
    // The file is the wire form with LF line ends: the code alone on a
    // line matches ^\d{6}$, and no CR is left.
    const std::string stored = read_file(dir.path() + "/" + *name);
    std::string wire_as_lf = std::regex_replace(m.data, std::regex("\r\n"), "\n");
    EXPECT_EQ(stored, wire_as_lf);
    EXPECT_EQ(stored.find('\r'), std::string::npos);
    EXPECT_TRUE(std::regex_search(stored, std::regex("\n000042\n")));
    struct stat st;
    ASSERT_EQ(stat((dir.path() + "/" + *name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);

    // A retry of the same message in the same second replaces the file.
    auto again = write_message_file(dir.path(), 42, m, kNow);
    auto twice = write_message_file(dir.path(), 42, m, kNow);
    ASSERT_TRUE(again && twice);
    EXPECT_EQ(*again, *twice);
    EXPECT_EQ(dir.list().size(), 2u);
}

TEST(MailFileTransport, FailuresLeaveNothingBehind) {
    TempDir dir;
    EXPECT_FALSE(check_mail_dir(dir.path() + "/missing"));
    EXPECT_FALSE(check_mail_dir("/etc/hostname"));
    EXPECT_FALSE(check_mail_dir(""));
    Message m = build("mfa_enabled", vars_for("mfa_enabled"));
    EXPECT_FALSE(write_message_file(dir.path() + "/missing", 1, m, kNow));
    m.template_name = "../evil";
    EXPECT_FALSE(write_message_file(dir.path(), 1, m, kNow));
    EXPECT_TRUE(dir.list().empty());
    if (geteuid() != 0) {
        chmod(dir.path().c_str(), 0500);
        EXPECT_FALSE(check_mail_dir(dir.path()));
        m.template_name = "mfa_enabled";
        auto r = write_message_file(dir.path(), 1, m, kNow);
        EXPECT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::unavailable);
        chmod(dir.path().c_str(), 0700);
        EXPECT_TRUE(dir.list().empty());
    }
}

}  // namespace
}  // namespace authd::mail
