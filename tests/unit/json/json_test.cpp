// tests/unit/json/json_test.cpp
//
// The strict reader (json/document.h) and the writer (json/writer.h).  Each
// rejection test checks the reason in the error detail, not just the failure:
// cJSON rejects some of these inputs on its own, and the test must still fail
// if our own check were missing.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json/document.h"
#include "json/writer.h"

namespace authd::json {
namespace {

using namespace std::string_literals;

::testing::AssertionResult rejected_with(std::string_view text, std::string_view reason) {
    const Result<Document> doc = parse_object(text);
    if (doc) return ::testing::AssertionFailure() << "accepted";
    if (doc.error().code != ErrorCode::invalid_input) {
        return ::testing::AssertionFailure() << "wrong code; detail: " << doc.error().detail;
    }
    if (doc.error().detail.find(reason) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "detail \"" << doc.error().detail << "\" does not say \"" << reason << "\"";
    }
    return ::testing::AssertionSuccess();
}

// Parses text that must be accepted; fails the test otherwise.
Document parse_ok(std::string_view text) {
    Result<Document> doc = parse_object(text);
    EXPECT_TRUE(doc) << (doc ? "" : doc.error().detail);
    if (!doc) return std::move(parse_object("{}").value());
    return std::move(doc).value();
}

std::string get_string(const Object& object, std::string_view key) {
    const auto value = object.find_string(key);
    EXPECT_TRUE(value && value->has_value()) << key;
    return value && value->has_value() ? **value : std::string("<missing>");
}

std::string nested(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    text += "1";
    for (int i = 0; i < depth; ++i) text += "}";
    return text;
}

// ----- accepted input -----

TEST(JsonParse, AcceptsEmptyObjectAndJsonWhitespace) {
    EXPECT_TRUE(parse_object("{}"));
    EXPECT_TRUE(parse_object(" \t\r\n{ \t\r\n} \t\r\n"));
}

TEST(JsonParse, AcceptsNestedObjectsAndArrays) {
    const Document doc = parse_ok(
        R"({"user":{"name":{"first":"Ada"},"tags":["x",1,true,null,{"k":[]}]},"n":-0.5e-3})");
    const auto user = doc.root().find_object("user");
    ASSERT_TRUE(user && user->has_value());
    const auto name = (*user)->find_object("name");
    ASSERT_TRUE(name && name->has_value());
    EXPECT_EQ(get_string(**name, "first"), "Ada");
    EXPECT_TRUE((*user)->has("tags"));
}

TEST(JsonParse, AcceptsEveryNumberForm) {
    EXPECT_TRUE(
        parse_ok(R"({"a":0,"b":-0,"c":12,"d":0.5,"e":1e10,"f":1E-2,"g":-1.5e+3})").root().has("g"));
}

TEST(JsonParse, AcceptsUnicodeRawAndEscaped) {
    const Document doc = parse_ok(
        "{\"raw\":\"é € 😀 \xF4\x8F\xBF\xBF\","
        R"("esc":"\u00e9 \u20ac \ud83d\ude00 \uDBFF\uDFFF",)"
        "\"\xF0\x9F\x98\x80\":\"emoji key\"}");
    EXPECT_EQ(get_string(doc.root(), "raw"), "é € 😀 \xF4\x8F\xBF\xBF");
    EXPECT_EQ(get_string(doc.root(), "esc"), "é € 😀 \xF4\x8F\xBF\xBF");
    EXPECT_EQ(get_string(doc.root(), "😀"), "emoji key");
}

TEST(JsonParse, AcceptsEverySimpleEscape) {
    const Document doc = parse_ok(R"({"a":"\"\\\/\b\f\n\r\t"})");
    EXPECT_EQ(get_string(doc.root(), "a"), "\"\\/\b\f\n\r\t");
}

TEST(JsonParse, EscapedBackslashBeforeU0000IsPlainText) {
    const Document doc = parse_ok(R"({"a":"\\u0000","\\u0000":"k","b":"x\\\\u0000"})");
    EXPECT_EQ(get_string(doc.root(), "a"), R"(\u0000)");
    EXPECT_EQ(get_string(doc.root(), R"(\u0000)"), "k");
    EXPECT_EQ(get_string(doc.root(), "b"), R"(x\\u0000)");
}

TEST(JsonParse, AcceptsNestingOfExactlyMaxDepth) {
    EXPECT_TRUE(parse_object(nested(kMaxDepth)));
    std::string arrays =
        "{\"a\":" + std::string(kMaxDepth - 1, '[') + std::string(kMaxDepth - 1, ']') + "}";
    EXPECT_TRUE(parse_object(arrays));
}

TEST(JsonParse, SameKeyInDifferentObjectsAndOtherCaseIsNotADuplicate) {
    const Document doc = parse_ok(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"email":"x","Email":"y"})");
    EXPECT_EQ(get_string(doc.root(), "email"), "x");
    EXPECT_EQ(get_string(doc.root(), "Email"), "y");
}

// Exactly-sized heap buffers with no NUL after them: ASan reports any read
// past the end.  Every proper prefix of a valid document is invalid.
TEST(JsonParse, ReadsOnlyTheGivenBytes) {
    const std::string text = R"({"a":[1,-2.5e3,true,false,null,"\u00e9\ud83d\ude00"],"b":{}})";
    for (std::size_t n = 0; n <= text.size(); ++n) {
        auto buffer = std::make_unique<char[]>(n == 0 ? 1 : n);
        std::memcpy(buffer.get(), text.data(), n);
        EXPECT_EQ(static_cast<bool>(parse_object(std::string_view(buffer.get(), n))),
                  n == text.size())
            << n;
    }
    // A view that stops before bytes that would make it invalid.
    EXPECT_TRUE(parse_object(std::string_view(R"({"a":1}garbage)", 7)));
}

// ----- rejected input -----

TEST(JsonParse, RejectsMalformedJson) {
    for (const char* text :
         {R"({)", R"({"a"})", R"({"a":})", R"({"a":1,})", R"({,})", R"({'a':1})", R"({a:1})",
          R"({"a":tru})", R"({"a":True})", R"({"a":[1,]})", R"({"a":[1 2]})", R"({"a":"x)",
          R"({"a":"\x"})", R"({"a":"\u12G4"})", R"({"a":NaN})", R"({"a":Infinity})"}) {
        EXPECT_TRUE(rejected_with(text, "invalid JSON")) << text;
    }
}

// Each of these is accepted by cJSON itself.
TEST(JsonParse, RejectsWhatCJsonWouldAccept) {
    EXPECT_TRUE(rejected_with(R"({"a":01})", "expected ','"));
    EXPECT_TRUE(rejected_with(R"({"a":-01})", "expected ','"));
    EXPECT_TRUE(rejected_with(R"({"a":1.})", "invalid number"));
    EXPECT_TRUE(rejected_with(R"({"a":1.e5})", "invalid number"));
    EXPECT_TRUE(rejected_with(R"({"a":-})", "invalid number"));
    EXPECT_TRUE(rejected_with("{\"a\":\"x\ty\"}", "control character"));
    EXPECT_TRUE(rejected_with("{\"a\":\"x\x01y\"}", "control character"));
    EXPECT_TRUE(rejected_with("{\"a\":\"x\x1fy\"}", "control character"));
    EXPECT_TRUE(rejected_with("{\v\"a\":1}", "expected a string key"));
    EXPECT_TRUE(rejected_with("{\"a\":1\f}", "expected ','"));
    EXPECT_TRUE(rejected_with("\xEF\xBB\xBF{}", "byte order mark"));
    EXPECT_TRUE(rejected_with(R"({"a":1e999})", "number out of range"));
    EXPECT_TRUE(rejected_with(R"({"a":-1e999})", "number out of range"));
}

TEST(JsonParse, RejectsEmbeddedRawNul) {
    EXPECT_TRUE(rejected_with("{\"a\":\"x\0y\"}"s, "control character"));
    EXPECT_TRUE(rejected_with("{\"a\0\":1}"s, "control character"));
    EXPECT_TRUE(rejected_with("{\"a\":1\0}"s, "expected ','"));
    EXPECT_TRUE(rejected_with("\0{}"s, "not an object"));
}

TEST(JsonParse, RejectsTrailingGarbage) {
    for (std::string text :
         {"{} x"s, "{}{}"s, "{}]"s, "{}}"s, "{}\0"s, "{} \0"s, "{}\v"s, "{\"a\":1} //"s}) {
        EXPECT_TRUE(rejected_with(text, "trailing characters")) << text;
    }
}

TEST(JsonParse, RejectsTopLevelValueThatIsNotAnObject) {
    for (const char* text : {"[]", "[{}]", R"("s")", "1", "-1", "true", "false", "null"}) {
        EXPECT_TRUE(rejected_with(text, "top-level value is not an object")) << text;
    }
    EXPECT_TRUE(rejected_with("", "unexpected end of input"));
    EXPECT_TRUE(rejected_with(" \n", "unexpected end of input"));
}

TEST(JsonParse, RejectsInvalidUtf8) {
    const std::vector<std::string> bad = {
        "\xC0\xAF",          // overlong '/'
        "\xC1\xBF",          // overlong
        "\xE0\x80\xAF",      // overlong, 3 bytes
        "\xE0\x9F\xBF",      // overlong, just below U+0800
        "\xF0\x80\x80\xAF",  // overlong, 4 bytes
        "\xF0\x8F\xBF\xBF",  // overlong, just below U+10000
        "\xED\xA0\x80",      // U+D800 encoded in UTF-8
        "\xED\xBF\xBF",      // U+DFFF encoded in UTF-8
        "\xF4\x90\x80\x80",  // U+110000
        "\xF5\x80\x80\x80",  // lead byte past F4
        "\xFF",
        "\xFE",
        "\x80",          // lone continuation byte
        "\xE2\x82",      // truncated 3-byte sequence
        "\xF0\x9F\x98",  // truncated 4-byte sequence
        "\xC3",          // truncated 2-byte sequence
        "\xC3\x28",      // bad continuation byte
    };
    for (const std::string& seq : bad) {
        EXPECT_TRUE(rejected_with("{\"a\":\"" + seq + "\"}", "invalid UTF-8 at byte 6"));
        EXPECT_TRUE(rejected_with("{\"" + seq + "\":1}", "invalid UTF-8 at byte 2"));
    }
    EXPECT_TRUE(rejected_with("{\"a\":1}\xE2\x82", "invalid UTF-8"));   // truncated at the end
    EXPECT_TRUE(rejected_with("{\xC3\xA9}", "expected a string key"));  // valid, outside a string
}

TEST(JsonParse, RejectsU0000Escape) {
    EXPECT_TRUE(rejected_with(R"({"a":"\u0000"})", "\\u0000 escape"));
    EXPECT_TRUE(rejected_with(R"({"password":"abc\u0000def"})", "\\u0000 escape"));
    EXPECT_TRUE(rejected_with(R"({"a\u0000b":1})", "\\u0000 escape"));
    EXPECT_TRUE(rejected_with(R"({"a":{"b":["\u0000"]}})", "\\u0000 escape"));
    // An escaped backslash, then a real \u0000 escape.
    EXPECT_TRUE(rejected_with(R"({"a":"\\\u0000"})", "\\u0000 escape"));
}

TEST(JsonParse, RejectsUnpairedSurrogateEscapes) {
    for (const char* text : {
             R"({"a":"\ud800"})",         // lone high surrogate
             R"({"a":"\uD800x"})",        // high surrogate then plain text
             R"({"a":"\ud800\u0041"})",   // high surrogate then a non-surrogate
             R"({"a":"\ud800\ud800"})",   // two high surrogates
             R"({"a":"\ud800\\udc00"})",  // high surrogate then an escaped backslash
             R"({"a":"\udc00"})",         // lone low surrogate
             R"({"a":"\uDFFF\uD800"})",   // pair in the wrong order
             R"({"\udbff":1})",           // in a key
         }) {
        EXPECT_TRUE(rejected_with(text, "unpaired surrogate")) << text;
    }
}

TEST(JsonParse, RejectsDuplicateKeysAtAnyDepth) {
    for (const char* text : {
             R"({"a":1,"a":2})",
             R"({"a":1,"b":2,"a":null})",
             R"({"a":{"x":1,"x":1}})",
             R"({"list":[{"x":1},{"y":1,"y":2}]})",
             R"({"list":[[{"ok":1}],[{"z":{"k":1,"k":2}}]]})",
             R"({"a":1,"\u0061":2})",  // the same key once unescaped
             R"({"":1,"":2})",
         }) {
        EXPECT_TRUE(rejected_with(text, "duplicate key")) << text;
    }
}

TEST(JsonParse, RejectsNestingDeeperThanMaxDepth) {
    EXPECT_TRUE(rejected_with(nested(kMaxDepth + 1), "nesting deeper than 64"));
    std::string arrays =
        "{\"a\":" + std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']') + "}";
    EXPECT_TRUE(rejected_with(arrays, "nesting deeper than 64"));
    EXPECT_TRUE(rejected_with(std::string(100000, '['), "not an object"));
    EXPECT_TRUE(rejected_with("{\"a\":" + std::string(100000, '['), "nesting deeper than 64"));
}

TEST(JsonParse, ErrorDetailNeverQuotesTheInput) {
    for (std::string text : {
             R"({"password":"hunter2-secret\u0000"})"s,
             R"({"hunter2-secret":1,"hunter2-secret":2})"s,
             R"({"password":"hunter2-secret"} hunter2-secret)"s,
             "{\"password\":\"hunter2-secret\xFF\"}"s,
             R"({"password":hunter2-secret})"s,
         }) {
        const Result<Document> doc = parse_object(text);
        ASSERT_FALSE(doc) << text;
        EXPECT_EQ(doc.error().detail.find("hunter2"), std::string::npos) << doc.error().detail;
    }
}

// ----- getters -----

class JsonGetters : public ::testing::Test {
protected:
    Document doc_ =
        parse_ok(R"({"s":"text","empty":"","t":true,"f":false,"nul":null,"i":42,"neg":-7,)"
                 R"("zero":-0,"whole":1.0,"exp":1e2,"half":1.5,"small":1e-300,)"
                 R"("max":9007199254740991,"min":-9007199254740991,"big":9007199254740992,)"
                 R"("huge":1e19,"numstr":"5","obj":{"inner":"v"},"arr":[1]})");
    Object root_ = doc_.root();
};

TEST_F(JsonGetters, HasSeesPresentKeysIncludingNull) {
    EXPECT_TRUE(root_.has("s"));
    EXPECT_TRUE(root_.has("nul"));
    EXPECT_FALSE(root_.has("absent"));
    EXPECT_FALSE(root_.has("S"));
    EXPECT_FALSE(root_.has(std::string_view("s\0x", 3)));
}

TEST_F(JsonGetters, FindString) {
    EXPECT_EQ(root_.find_string("s").value(), "text");
    EXPECT_EQ(root_.find_string("empty").value(), "");
    EXPECT_EQ(root_.find_string("absent").value(), std::nullopt);
    EXPECT_EQ(root_.find_string("nul").value(), std::nullopt);
    EXPECT_EQ(root_.find_string("S").value(), std::nullopt);  // case-sensitive
    for (const char* key : {"i", "t", "obj", "arr"}) {
        const auto value = root_.find_string(key);
        ASSERT_FALSE(value) << key;
        EXPECT_EQ(value.error().code, ErrorCode::invalid_input);
        EXPECT_NE(value.error().detail.find('"' + std::string(key) + '"'), std::string::npos)
            << value.error().detail;
    }
}

TEST_F(JsonGetters, FindBool) {
    EXPECT_EQ(root_.find_bool("t").value(), true);
    EXPECT_EQ(root_.find_bool("f").value(), false);
    EXPECT_EQ(root_.find_bool("absent").value(), std::nullopt);
    EXPECT_EQ(root_.find_bool("nul").value(), std::nullopt);
    for (const char* key : {"s", "i", "zero", "obj"}) {
        const auto value = root_.find_bool(key);
        ASSERT_FALSE(value) << key;
        EXPECT_EQ(value.error().code, ErrorCode::invalid_input);
        EXPECT_NE(value.error().detail.find(key), std::string::npos);
    }
    EXPECT_FALSE(parse_ok(R"({"b":"true"})").root().find_bool("b"));
}

TEST_F(JsonGetters, FindInt) {
    EXPECT_EQ(root_.find_int("i").value(), 42);
    EXPECT_EQ(root_.find_int("neg").value(), -7);
    EXPECT_EQ(root_.find_int("zero").value(), 0);
    EXPECT_EQ(root_.find_int("whole").value(), 1);
    EXPECT_EQ(root_.find_int("exp").value(), 100);
    EXPECT_EQ(root_.find_int("max").value(), INT64_C(9007199254740991));
    EXPECT_EQ(root_.find_int("min").value(), INT64_C(-9007199254740991));
    EXPECT_EQ(root_.find_int("absent").value(), std::nullopt);
    EXPECT_EQ(root_.find_int("nul").value(), std::nullopt);
    for (const char* key : {"half", "small", "big", "huge", "numstr", "t", "obj"}) {
        const auto value = root_.find_int(key);
        ASSERT_FALSE(value) << key;
        EXPECT_EQ(value.error().code, ErrorCode::invalid_input);
        EXPECT_NE(value.error().detail.find(key), std::string::npos);
    }
}

TEST_F(JsonGetters, FindObject) {
    const auto obj = root_.find_object("obj");
    ASSERT_TRUE(obj && obj->has_value());
    EXPECT_EQ((*obj)->find_string("inner").value(), "v");
    EXPECT_EQ((*obj)->find_string("s").value(), std::nullopt);  // not the parent's key
    EXPECT_EQ(root_.find_object("absent").value(), std::nullopt);
    EXPECT_FALSE(root_.find_object("nul").value().has_value());
    EXPECT_FALSE(root_.find_object("arr"));
    EXPECT_FALSE(root_.find_object("s"));
}

TEST(JsonDocument, StaysValidWhenMoved) {
    Result<Document> parsed = parse_object(R"({"a":"b"})");
    ASSERT_TRUE(parsed);
    const Document doc = std::move(parsed).value();
    EXPECT_EQ(get_string(doc.root(), "a"), "b");
}

// ----- writer -----

TEST(JsonWriter, WritesCompactObject) {
    Writer w;
    w.begin_object();
    w.key("error").string("VALIDATION_ERROR");
    w.key("fields").begin_object();
    w.key("email").string("bad");
    w.end_object();
    w.key("n").number(int64_t{5});
    w.key("ok").boolean(true);
    w.key("x").null();
    w.end_object();
    EXPECT_EQ(std::move(w).str(),
              R"({"error":"VALIDATION_ERROR","fields":{"email":"bad"},"n":5,"ok":true,"x":null})");
}

TEST(JsonWriter, JsonTextIsAValueWrittenAsItIs) {
    Writer w;
    w.begin_array().json_text(R"({"a":[1,"x"]})").json_text("null").end_array();
    EXPECT_EQ(std::move(w).str(), R"([{"a":[1,"x"]},null])");
}

TEST(JsonWriter, WritesArraysAndEmptyContainers) {
    Writer w;
    w.begin_object().key("a").begin_array();
    w.number(1).string("x").begin_array().end_array().begin_object().end_object().boolean(false);
    w.end_array().key("b").begin_array().end_array().key("c").begin_object().end_object();
    w.end_object();
    EXPECT_EQ(std::move(w).str(), R"({"a":[1,"x",[],{},false],"b":[],"c":{}})");

    Writer top;
    top.begin_array().begin_object().key("k").number(1).end_object().null().end_array();
    EXPECT_EQ(std::move(top).str(), R"([{"k":1},null])");
}

TEST(JsonWriter, WritesInt64Extremes) {
    Writer w;
    w.begin_array().number(INT64_MIN).number(INT64_MAX).number(0).number(-1).end_array();
    EXPECT_EQ(std::move(w).str(), "[-9223372036854775808,9223372036854775807,0,-1]");
}

TEST(JsonWriter, EscapesPerRfc8259) {
    Writer w;
    w.begin_object().key("k\"\n").string("\"\\/\b\f\n\r\t\x01\x1f\x7f<>&").end_object();
    EXPECT_EQ(std::move(w).str(), R"({"k\"\n":"\"\\/\b\f\n\r\t\u0001\u001f)"
                                  "\x7f"
                                  R"(<>&"})");
}

TEST(JsonWriter, NulByteBecomesU0000) {
    Writer w;
    w.begin_object().key("a").string("x\0y"s).end_object();
    const std::string out = std::move(w).str();
    EXPECT_EQ(out, R"({"a":"x\u0000y"})");
    EXPECT_TRUE(rejected_with(out, "\\u0000 escape"));  // the reader's policy, not a round trip
}

TEST(JsonWriter, PassesValidUtf8AndReplacesInvalidBytes) {
    Writer w;
    w.begin_array();
    w.string("é € 😀 \xF4\x8F\xBF\xBF");
    w.string(
        "a\xFF"
        "b\xC3"
        "\xE2\x82"
        "c\xED\xA0\x80");
    w.end_array();
    const std::string out = std::move(w).str();
    EXPECT_EQ(out,
              "[\"é € 😀 \xF4\x8F\xBF\xBF\","
              "\"a\uFFFDb\uFFFD\uFFFD\uFFFDc\uFFFD\uFFFD\uFFFD\"]");
}

TEST(JsonWriter, RoundTripsThroughTheReader) {
    std::string controls;
    for (char c = 1; c < 0x20; ++c) controls += c;
    const std::vector<std::string> values = {
        "",
        "plain",
        controls,
        "quote \" backslash \\ slash / del \x7f",
        R"(\u0000 and \ud800 as plain text)",
        "é € 😀 \xF4\x8F\xBF\xBF",
        "<script>&amp;</script>",
    };
    Writer w;
    w.begin_object();
    for (std::size_t i = 0; i < values.size(); ++i) {
        w.key("v" + std::to_string(i)).string(values[i]);
        w.key(values[i] + "#key").string(std::to_string(i));
    }
    w.key("int").number(-9007199254740991).key("yes").boolean(true).key("no").boolean(false);
    w.key("nothing").null();
    w.key("obj").begin_object().key("deep").string(controls).end_object();
    w.end_object();

    const Document doc = parse_ok(std::move(w).str());
    const Object root = doc.root();
    for (std::size_t i = 0; i < values.size(); ++i) {
        EXPECT_EQ(get_string(root, "v" + std::to_string(i)), values[i]) << i;
        EXPECT_EQ(get_string(root, values[i] + "#key"), std::to_string(i)) << i;
    }
    EXPECT_EQ(root.find_int("int").value(), -9007199254740991);
    EXPECT_EQ(root.find_bool("yes").value(), true);
    EXPECT_EQ(root.find_bool("no").value(), false);
    EXPECT_TRUE(root.has("nothing"));
    EXPECT_EQ(root.find_string("nothing").value(), std::nullopt);
    const auto obj = root.find_object("obj");
    ASSERT_TRUE(obj && obj->has_value());
    EXPECT_EQ(get_string(**obj, "deep"), controls);
}

}  // namespace
}  // namespace authd::json
