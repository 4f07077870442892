// mfa/qr_png.cpp
//
// otpauth URIs, and QR codes drawn straight into a 1-bit grayscale PNG in
// memory: libqrencode makes the module matrix, libpng writes rows into a
// std::string through png_set_write_fn.
//
// libpng reports errors by longjmp.  Jumping over a C++ destructor is
// undefined, so the only function that calls setjmp (write_png) holds no
// object with a destructor: the QRcode, the png_struct/png_info pair, the
// row buffer and the output string are all owned by qr_png, its caller.
// The write callback never lets an exception cross libpng's C frames: it
// records a failed append and reports it through png_error instead.
#include "mfa/qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <cerrno>
#include <climits>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/c_ptr.h"
#include "crypto/encoding.h"

namespace authd::mfa {

namespace {

using QrCodePtr = CPtr<QRcode, QRcode_free>;

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void percent_encode(std::string_view in, std::string& out) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
}

// The png_struct and png_info of one write, destroyed together.
class PngWrite {
public:
    PngWrite(png_error_ptr on_error, png_voidp error_context)
        : png_(png_create_write_struct(PNG_LIBPNG_VER_STRING, error_context, on_error,
                                       ignore_warning)),
          info_(png_ ? png_create_info_struct(png_) : nullptr) {}
    ~PngWrite() { png_destroy_write_struct(&png_, &info_); }
    PngWrite(const PngWrite&) = delete;
    PngWrite& operator=(const PngWrite&) = delete;

    bool ok() const { return png_ != nullptr && info_ != nullptr; }
    png_structp png() const { return png_; }
    png_infop info() const { return info_; }

private:
    static void ignore_warning(png_structp, png_const_charp) {}
    png_structp png_;
    png_infop info_;
};

// What libpng's callbacks reach through their user pointers.
struct WriteContext {
    std::string* out;
    bool out_of_memory;
    char error[128];
};

void on_png_error(png_structp png, png_const_charp message) {
    auto* ctx = static_cast<WriteContext*>(png_get_error_ptr(png));
    std::snprintf(ctx->error, sizeof ctx->error, "%s", message ? message : "unknown");
    png_longjmp(png, 1);
}

void on_png_write(png_structp png, png_bytep data, size_t length) {
    auto* ctx = static_cast<WriteContext*>(png_get_io_ptr(png));
    try {
        ctx->out->append(reinterpret_cast<const char*>(data), length);
    } catch (...) {
        ctx->out_of_memory = true;
    }
    // Outside the catch block: png_error longjmps.
    if (ctx->out_of_memory) png_error(png, "out of memory appending PNG output");
}

void on_png_flush(png_structp) {}

// Sets one pixel of a 1-bit row to black (0); the row starts all white.
void set_black(png_bytep row, int x) {
    row[x / 8] = static_cast<png_byte>(row[x / 8] & ~(0x80u >> (x % 8)));
}

// Fills `row` (all white on entry) with pixel row `y` of the image.
void draw_row(const QRcode& qr, int y, png_bytep row) {
    const int my = y / kQrPixelsPerModule - kQrQuietZoneModules;
    if (my < 0 || my >= qr.width) return;
    for (int mx = 0; mx < qr.width; ++mx) {
        if ((qr.data[my * qr.width + mx] & 1) == 0) continue;
        const int x0 = (mx + kQrQuietZoneModules) * kQrPixelsPerModule;
        for (int dx = 0; dx < kQrPixelsPerModule; ++dx) set_black(row, x0 + dx);
    }
}

// Writes the whole PNG; false when libpng failed (ctx->error says why).
// NB: no object with a destructor may live in this frame (see the top).
bool write_png(png_structp png, png_infop info, WriteContext* ctx, const QRcode& qr, png_bytep row,
               size_t row_bytes) {
    // NOLINTNEXTLINE(cert-err52-cpp): libpng reports its errors only by longjmp
    if (setjmp(png_jmpbuf(png))) return false;
    const int side = (qr.width + 2 * kQrQuietZoneModules) * kQrPixelsPerModule;
    png_set_write_fn(png, ctx, on_png_write, on_png_flush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side), 1,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < side; ++y) {
        std::memset(row, 0xff, row_bytes);
        draw_row(qr, y, row);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    return true;
}

}  // namespace

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32) {
    std::string uri = "otpauth://totp/";
    percent_encode(issuer, uri);
    uri.push_back(':');
    percent_encode(account, uri);
    uri += "?secret=";
    percent_encode(secret_base32, uri);
    uri += "&issuer=";
    percent_encode(issuer, uri);
    uri += "&algorithm=SHA1&digits=6&period=30";
    return uri;
}

Result<std::string> qr_png(std::string_view text) {
    if (text.empty()) return fail(ErrorCode::invalid_input, "qr_png: empty text");
    if (text.size() > static_cast<size_t>(INT_MAX)) {
        return fail(ErrorCode::invalid_input, "qr_png: text too long for a QR code");
    }
    errno = 0;
    const QrCodePtr qr(QRcode_encodeData(static_cast<int>(text.size()),
                                         reinterpret_cast<const unsigned char*>(text.data()), 0,
                                         QR_ECLEVEL_M));
    if (!qr) {
        if (errno == ERANGE) {
            return fail(ErrorCode::invalid_input, "qr_png: text too long for a QR code");
        }
        return fail(ErrorCode::internal,
                    std::string("qr_png: QRcode_encodeData failed: ") + std::strerror(errno));
    }

    std::string out;
    WriteContext ctx{&out, false, {}};
    const PngWrite png(on_png_error, &ctx);
    if (!png.ok()) return fail(ErrorCode::internal, "qr_png: cannot create libpng structures");
    const int side = (qr->width + 2 * kQrQuietZoneModules) * kQrPixelsPerModule;
    const size_t row_bytes = (static_cast<size_t>(side) + 7) / 8;
    std::vector<png_byte> row(row_bytes);
    if (!write_png(png.png(), png.info(), &ctx, *qr, row.data(), row_bytes)) {
        return fail(ErrorCode::internal, std::string("qr_png: libpng: ") + ctx.error);
    }
    return out;
}

std::string png_data_uri(std::string_view png) {
    return "data:image/png;base64," + crypto::base64_encode(png);
}

}  // namespace authd::mfa
