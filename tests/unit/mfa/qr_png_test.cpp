// tests/unit/mfa/qr_png_test.cpp
//
// The otpauth URI (exact strings, percent-encoding of the label and the
// issuer) and the QR PNG: signature, IHDR geometry and format, and a round
// trip through the independent zbarimg decoder when it is installed.
#include "mfa/qr_png.h"

#include <gtest/gtest.h>
#include <qrencode.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "support/programs.h"

namespace authd::mfa {
namespace {

using authd::testing::command_output;
using authd::testing::on_path;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

TEST(OtpauthUri, ExactString) {
    EXPECT_EQ(otpauth_uri("Example Corp", "alice+totp@example.com", "JBSWY3DPEHPK3PXP"),
              "otpauth://totp/Example%20Corp:alice%2Btotp%40example.com"
              "?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp"
              "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, PlainIssuerAndUnreservedKept) {
    EXPECT_EQ(otpauth_uri("authd", "a.b_c-d~e@x.org", "MZXW6"),
              "otpauth://totp/authd:a.b_c-d~e%40x.org?secret=MZXW6&issuer=authd"
              "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, ReservedAndNonAsciiBytesEncoded) {
    EXPECT_EQ(otpauth_uri("A:B&C=D/É", "x?y#z%@q.io", "AB"),
              "otpauth://totp/A%3AB%26C%3DD%2F%C3%89:x%3Fy%23z%25%40q.io"
              "?secret=AB&issuer=A%3AB%26C%3DD%2F%C3%89&algorithm=SHA1&digits=6&period=30");
}

TEST(PngDataUri, Prefix) {
    EXPECT_EQ(png_data_uri("\x89PNG"), "data:image/png;base64,iVBORw==");
    EXPECT_EQ(png_data_uri(""), "data:image/png;base64,");
}

uint32_t be32(std::string_view s, size_t at) {
    return (uint32_t{static_cast<unsigned char>(s[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
           uint32_t{static_cast<unsigned char>(s[at + 3])};
}

// The module count libqrencode picks for `text` with the same settings.
int modules_of(std::string_view text) {
    QRcode* qr =
        QRcode_encodeData(static_cast<int>(text.size()),
                          reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M);
    if (qr == nullptr) return -1;
    const int width = qr->width;
    QRcode_free(qr);
    return width;
}

TEST(QrPng, SignatureAndIhdr) {
    const std::string text =
        otpauth_uri("Example Corp", "alice+totp@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const auto png = qr_png(text);
    ASSERT_TRUE(png) << png.error().detail;
    ASSERT_GT(png->size(), 33u);
    EXPECT_EQ(std::string_view(*png).substr(0, 8), kPngSignature);
    EXPECT_EQ(be32(*png, 8), 13u);
    EXPECT_EQ(png->substr(12, 4), "IHDR");
    const int modules = modules_of(text);
    ASSERT_GT(modules, 20);
    const uint32_t expected_side = static_cast<uint32_t>((modules + 8) * 6);
    EXPECT_EQ(be32(*png, 16), expected_side);
    EXPECT_EQ(be32(*png, 20), expected_side);
    EXPECT_EQ(kQrPixelsPerModule, 6);
    EXPECT_EQ(kQrQuietZoneModules, 4);
    EXPECT_EQ((*png)[24], 1);  // bit depth
    EXPECT_EQ((*png)[25], 0);  // grayscale
    EXPECT_EQ(png->substr(png->size() - 8, 4), "IEND");
}

TEST(QrPng, RefusesEmptyAndOversizedText) {
    const auto empty = qr_png("");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::invalid_input);
    const auto big = qr_png(std::string(3000, 'a'));  // 8-bit capacity at level M is 2331
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::invalid_input);
}

// What zbarimg reads from the PNG, or nullopt when it fails.
std::optional<std::string> zbar_decode(const std::string& png) {
    std::string path = (std::filesystem::temp_directory_path() / "authd-qr-XXXXXX").string();
    const int fd = mkstemp(path.data());
    if (fd < 0) return std::nullopt;
    close(fd);
    std::ofstream(path, std::ios::binary) << png;
    const auto out = command_output("zbarimg --raw -q '" + path + "' 2>/dev/null");
    std::remove(path.c_str());
    return out;
}

TEST(QrPng, DecodesBackWithZbarimg) {
    if (!on_path("zbarimg")) GTEST_SKIP() << "zbarimg not on PATH";
    const std::string texts[] = {
        otpauth_uri("Example Corp", "alice+totp@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        otpauth_uri("authd", "bob@example.org", "JBSWY3DPEHPK3PXP"),
        "hello",
    };
    for (const auto& text : texts) {
        const auto png = qr_png(text);
        ASSERT_TRUE(png) << png.error().detail;
        EXPECT_EQ(zbar_decode(*png), std::optional<std::string>(text));
    }
}

}  // namespace
}  // namespace authd::mfa
