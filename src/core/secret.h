// core/secret.h
//
// A string that holds a secret (password, key, token).  It wipes its bytes
// when destroyed or reassigned and has no stream operator, so it cannot be
// logged by accident; reading it takes an explicit call to reveal().
#pragma once

#include <string.h>

#include <string>
#include <string_view>
#include <utility>

namespace authd {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& other) : value_(other.value_) {}
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
    Secret& operator=(Secret other) noexcept {
        wipe();
        value_.swap(other.value_);
        return *this;
    }
    ~Secret() { wipe(); }

    std::string_view reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }
    size_t size() const noexcept { return value_.size(); }

private:
    void wipe() noexcept {
        // NB: wipe the whole capacity: a shrunk string keeps old bytes.
        if (value_.capacity() > 0) explicit_bzero(value_.data(), value_.capacity());
        value_.clear();
    }
    std::string value_;
};

}  // namespace authd
