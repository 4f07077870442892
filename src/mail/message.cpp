// mail/message.cpp
//
// Renders the templates into RFC 5322 / MIME messages.  The texts are data
// (kTemplates); this file knows the encodings:
//  - Every line ends in CRLF, the header included.
//  - Headers are ASCII: a non-ASCII Subject (or From display name) becomes
//    RFC 2047 "Q" encoded-words of at most 75 characters, folded onto
//    continuation lines; ASCII headers fold at spaces past 78 columns.
//  - A body part is 7bit when it is ASCII with lines of at most 76 bytes,
//    else quoted-printable (RFC 2045: lines of at most 76, soft breaks,
//    trailing white space encoded).  The text is wrapped at 72 columns, so
//    7bit is the common case.
//  - Every variable is HTML-escaped in the text/html part.
//  - The MIME boundary starts with "=_", which quoted-printable can never
//    produce, and holds no digits, like the Message-ID: the only digits in
//    the message body are the ones the texts put there.
// The digit-run guarantee of message.h is checked on the rendered text, not
// assumed from the templates.
#include "mail/message.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "core/html_escape.h"

namespace authd::mail {
namespace {

constexpr std::string_view kCodeParagraph = "{code}";
constexpr size_t kWrapColumn = 72;
constexpr size_t kMaxBodyLine = 76;    // RFC 2045 quoted-printable, and our 7bit limit
constexpr size_t kMaxHeaderLine = 78;  // RFC 5322's SHOULD
constexpr size_t kCodeDigits = 6;

struct Template {
    std::string_view name;
    std::string_view subject;
    bool has_code;
    std::string_view default_lifetime;  // codes only
    // Paragraphs after the greeting; "{code}" is the code on its own line.
    // Placeholders: {product}, {lifetime}, {unlock}.
    std::array<std::string_view, 4> paragraphs;
};

const Template kTemplates[] = {
    {"verify_email",
     "Your {product} verification code",
     true,
     "24 hours",
     {"Use this code to confirm your email address for {product}:", kCodeParagraph,
      "The code expires in {lifetime}. If you did not create an account, you can ignore this "
      "message."}},
    {"password_reset",
     "Your {product} password reset code",
     true,
     "1 hour",
     {"Use this code to choose a new password for your {product} account:", kCodeParagraph,
      "The code expires in {lifetime}. If you did not ask to reset your password, ignore this "
      "message: your password stays as it is."}},
    {"password_changed",
     "Your {product} password was changed",
     false,
     {},
     {"The password of your {product} account was just changed.",
      "If this was you, there is nothing else to do.",
      "If it was not you, someone else knows your password: reset it now with \"Forgot "
      "password\" on the sign-in page, then check the devices signed in to your account."}},
    {"account_locked",
     "Your {product} account is temporarily locked",
     false,
     {},
     {"Your {product} account was locked after too many failed sign-in attempts. It unlocks by "
      "itself {unlock}.",
      "If this was you, wait for the lock to end, or reset your password with \"Forgot "
      "password\" on the sign-in page: that also lifts the lock.",
      "If it was not you, someone may be trying to guess your password: reset it now with "
      "\"Forgot password\" and choose one you use nowhere else."}},
    {"mfa_enabled",
     "Two-factor authentication is on for your {product} account",
     false,
     {},
     {"Two-factor authentication was turned on for your {product} account. Signing in now also "
      "asks for a code from your authenticator app.",
      "If this was you, there is nothing else to do.",
      "If it was not you, someone else has access to your account: reset your password now with "
      "\"Forgot password\" on the sign-in page and tell the {product} administrators."}},
    {"mfa_disabled",
     "Two-factor authentication is off for your {product} account",
     false,
     {},
     {"Two-factor authentication was turned off for your {product} account. Signing in now asks "
      "for your password only.",
      "If this was you, there is nothing else to do.",
      "If it was not you, someone else has access to your account: reset your password now with "
      "\"Forgot password\" on the sign-in page, then turn two-factor authentication back on."}},
};

const Template* find_template(std::string_view name) {
    for (const Template& t : kTemplates) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

std::string_view find_var(const std::map<std::string, std::string>& vars, const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string_view{} : std::string_view(it->second);
}

bool is_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) return false;
    }
    return true;
}

bool has_control(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Body variables must not break the line structure: control characters
// (a stray LF would be a bare line ending) become spaces.
std::string flatten(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return out;
}

// Length of the UTF-8 sequence led by `c` (1 for ASCII and for stray bytes).
size_t sequence_length(unsigned char c) {
    if (c >= 0xf0 && c <= 0xf4) return 4;
    if (c >= 0xe0) return c <= 0xef ? 3 : 1;
    if (c >= 0xc2) return 2;
    return 1;
}

size_t columns(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xc0) != 0x80) ++n;
    }
    return n;
}

std::string expand(std::string_view text, const std::map<std::string_view, std::string>& fields) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t open = text.find('{', i);
        size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) break;
        auto it = fields.find(text.substr(open + 1, close - open - 1));
        out.append(text.substr(i, open - i));
        if (it != fields.end()) {
            out += it->second;
        } else {
            out.append(text.substr(open, close - open + 1));
        }
        i = close + 1;
    }
    out.append(text.substr(i));
    return out;
}

// The space-separated words of `text`, runs of spaces collapsed.
std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t space = text.find(' ', pos);
        if (space == std::string_view::npos) space = text.size();
        if (space > pos) out.push_back(text.substr(pos, space - pos));
        pos = space + 1;
    }
    return out;
}

// Greedy word wrap at kWrapColumn code points; a longer word keeps its line.
std::vector<std::string> wrap(std::string_view paragraph) {
    std::vector<std::string> lines;
    std::string line;
    for (std::string_view word : words(paragraph)) {
        if (!line.empty() && columns(line) + 1 + columns(word) > kWrapColumn) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line.append(word);
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

constexpr char kHex[] = "0123456789ABCDEF";

void append_hex_byte(std::string& out, unsigned char c) {
    out += '=';
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
}

// RFC 2045 section 6.7 over CRLF-separated lines.
std::string quoted_printable(std::string_view text) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find("\r\n", start);
        const bool has_break = end != std::string_view::npos;
        if (!has_break) end = text.size();
        std::string_view line = text.substr(start, end - start);
        size_t col = 0;
        for (size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            const bool last = i + 1 == line.size();
            std::string token;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
                token = static_cast<char>(c);
            } else {
                append_hex_byte(token, c);
            }
            // Room for the '=' of a soft break.
            if (col + token.size() > kMaxBodyLine - 1) {
                out += "=\r\n";
                col = 0;
            }
            out += token;
            col += token.size();
        }
        if (has_break) out += "\r\n";
        start = has_break ? end + 2 : end;
    }
    return out;
}

struct EncodedPart {
    std::string_view transfer_encoding;
    std::string body;
};

EncodedPart encode_part(std::string text) {
    bool plain = is_ascii(text);
    for (size_t start = 0; plain && start < text.size();) {
        size_t end = text.find("\r\n", start);
        if (end == std::string::npos) end = text.size();
        plain = end - start <= kMaxBodyLine;
        start = end + 2;
    }
    if (plain) return {"7bit", std::move(text)};
    return {"quoted-printable", quoted_printable(text)};
}

// RFC 2047 "Q" encoded-words for `text`, folded with CRLF SP.  `used` is
// how many columns the first line already holds ("Subject: ").  A UTF-8
// sequence never straddles two words.
std::string encoded_words(std::string_view text, size_t used) {
    constexpr std::string_view kOpen = "=?utf-8?Q?";
    constexpr std::string_view kClose = "?=";
    constexpr size_t kMaxWord = 75;
    constexpr size_t kMaxLine = 76;
    std::string out;
    std::string word;
    size_t budget = std::min(kMaxWord, kMaxLine - used) - kOpen.size() - kClose.size();
    auto flush = [&] {
        if (!out.empty()) out += "\r\n ";
        out.append(kOpen).append(word).append(kClose);
        word.clear();
        budget = std::min(kMaxWord, kMaxLine - 1) - kOpen.size() - kClose.size();
    };
    for (size_t i = 0; i < text.size();) {
        size_t n = std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
        std::string token;
        for (size_t k = i; k < i + n; ++k) {
            const unsigned char c = static_cast<unsigned char>(text[k]);
            const bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                 (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
                                 c == '-' || c == '/';
            if (c == ' ') {
                token += '_';
            } else if (literal) {
                token += static_cast<char>(c);
            } else {
                append_hex_byte(token, c);
            }
        }
        if (!word.empty() && word.size() + token.size() > budget) flush();
        word += token;
        i += n;
    }
    if (!word.empty() || out.empty()) flush();
    return out;
}

// "Name: value" folded at spaces so lines stay within kMaxHeaderLine where
// the value allows it.
std::string ascii_header(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    size_t col = out.size();
    for (std::string_view word : words(value)) {
        if (col > name.size() + 1 && col + 1 + word.size() > kMaxHeaderLine) {
            out += "\r\n";
            col = 0;
        }
        out += ' ';
        out.append(word);
        col += 1 + word.size();
    }
    out += "\r\n";
    return out;
}

std::string text_header(std::string_view name, std::string_view value) {
    if (is_ascii(value)) return ascii_header(name, value);
    return std::string(name) + ": " + encoded_words(value, name.size() + 2) + "\r\n";
}

// From: as configured, with a non-ASCII display name encoded.
std::string from_header(std::string_view from) {
    if (is_ascii(from)) return ascii_header("From", from);
    size_t lt = from.rfind('<');
    if (lt == std::string_view::npos) return ascii_header("From", from);  // unusable; sent as is
    std::string_view display = from.substr(0, lt);
    while (!display.empty() && display.back() == ' ') display.remove_suffix(1);
    if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
        display = display.substr(1, display.size() - 2);
    }
    return "From: " + encoded_words(display, 6) + "\r\n " + std::string(from.substr(lt)) + "\r\n";
}

std::string date_header(std::time_t now) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    snprintf(buf, sizeof buf, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", kDays[tm.tm_wday],
             tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

// Maximal runs of at least kCodeDigits digits.
int long_digit_runs(std::string_view text) {
    int runs = 0;
    size_t run = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && is_digit(text[i])) {
            ++run;
            continue;
        }
        if (run >= kCodeDigits) ++runs;
        run = 0;
    }
    return runs;
}

bool is_code(std::string_view code) {
    if (code.size() != kCodeDigits) return false;
    for (char c : code) {
        if (!is_digit(c)) return false;
    }
    return true;
}

bool is_message_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))) return false;
    }
    return true;
}

}  // namespace

bool is_template(std::string_view name) { return find_template(name) != nullptr; }

bool template_has_code(std::string_view name) {
    const Template* t = find_template(name);
    return t && t->has_code;
}

std::string address_of(std::string_view from) {
    size_t lt = from.rfind('<');
    if (lt != std::string_view::npos) {
        size_t gt = from.find('>', lt);
        if (gt != std::string_view::npos) return std::string(from.substr(lt + 1, gt - lt - 1));
    }
    while (!from.empty() && from.front() == ' ') from.remove_prefix(1);
    while (!from.empty() && from.back() == ' ') from.remove_suffix(1);
    return std::string(from);
}

Result<Message> build_message(std::string_view template_name, std::string_view recipient,
                              const std::map<std::string, std::string>& vars, const Sender& sender,
                              std::string_view message_id, std::time_t now) {
    const Template* t = find_template(template_name);
    if (!t) return fail(ErrorCode::internal, "mail: unknown template");
    if (recipient.empty() || has_control(recipient)) {
        return fail(ErrorCode::internal, "mail: recipient is empty or holds a control character");
    }
    if (has_control(sender.from) || has_control(sender.product_name)) {
        return fail(ErrorCode::internal, "mail: from or product_name holds a control character");
    }
    if (!is_message_id(message_id)) return fail(ErrorCode::internal, "mail: bad message id");
    const std::string_view code = find_var(vars, "code");
    if (t->has_code && !is_code(code)) {
        return fail(ErrorCode::internal,
                    std::string("mail: ") + std::string(t->name) + " needs a 6-digit code");
    }

    std::map<std::string_view, std::string> fields;
    fields["product"] = flatten(sender.product_name);
    std::string_view lifetime = find_var(vars, "code_lifetime");
    fields["lifetime"] = flatten(lifetime.empty() ? t->default_lifetime : lifetime);
    std::string_view lock = find_var(vars, "lock_duration");
    fields["unlock"] = lock.empty() ? "after a short while" : "in " + flatten(lock);
    const std::string first_name = flatten(find_var(vars, "first_name"));

    std::string text = first_name.empty() ? "Hello,\r\n" : "Hello " + first_name + ",\r\n";
    std::string html =
        "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"></head>\r\n"
        "<body style=\"font-family:sans-serif\">\r\n<p>" +
        html_escape(first_name.empty() ? "Hello," : "Hello " + first_name + ",") + "</p>\r\n";
    for (std::string_view paragraph : t->paragraphs) {
        if (paragraph.empty()) continue;
        text += "\r\n";
        if (paragraph == kCodeParagraph) {
            text.append(code).append("\r\n");
            html += "<p style=\"font-size:2em;font-weight:bold;letter-spacing:0.2em\">";
            html.append(code).append("</p>\r\n");
            continue;
        }
        const std::string expanded = expand(paragraph, fields);
        for (const std::string& line : wrap(expanded)) text += line + "\r\n";
        html += "<p>";
        const std::vector<std::string> html_lines = wrap(html_escape(expanded));
        for (size_t i = 0; i < html_lines.size(); ++i) {
            if (i > 0) html += "\r\n";
            html += html_lines[i];
        }
        html += "</p>\r\n";
    }
    html += "</body></html>\r\n";

    // NB: the contract is checked on what is sent, whatever the variables
    // and configuration held.
    if (long_digit_runs(text) != (t->has_code ? 1 : 0)) {
        return fail(ErrorCode::internal,
                    std::string("mail: ") + std::string(t->name) +
                        " text would hold another run of 6 digits (product_name or a variable)");
    }

    std::string domain = address_of(sender.from);
    size_t at = domain.rfind('@');
    domain =
        at == std::string::npos || at + 1 == domain.size() ? "localhost" : domain.substr(at + 1);
    const std::string boundary = "=_" + std::string(message_id) + "_alt";
    EncodedPart plain_part = encode_part(std::move(text));
    EncodedPart html_part = encode_part(std::move(html));

    Message m;
    m.template_name = std::string(t->name);
    m.recipient = std::string(recipient);
    std::string& d = m.data;
    d += from_header(sender.from);
    d += ascii_header("To", recipient);
    d += text_header("Subject", expand(t->subject, fields));
    d += date_header(now);
    d += "Message-ID: <" + std::string(message_id) + "@" + domain + ">\r\n";
    d += "MIME-Version: 1.0\r\n";
    d += "X-Authd-Template: " + m.template_name + "\r\n";
    d += "Auto-Submitted: auto-generated\r\n";
    d += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    d += "\r\n";
    d += "--" + boundary + "\r\n";
    d += "Content-Type: text/plain; charset=utf-8\r\n";
    d += "Content-Transfer-Encoding: " + std::string(plain_part.transfer_encoding) + "\r\n\r\n";
    d += plain_part.body;
    d += "\r\n--" + boundary + "\r\n";
    d += "Content-Type: text/html; charset=utf-8\r\n";
    d += "Content-Transfer-Encoding: " + std::string(html_part.transfer_encoding) + "\r\n\r\n";
    d += html_part.body;
    d += "\r\n--" + boundary + "--\r\n";
    return m;
}

}  // namespace authd::mail
