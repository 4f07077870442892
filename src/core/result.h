// core/result.h
//
// Errors as values.  Result<T> holds either a T or an Error; its spelling
// follows std::expected so it can become one under C++23.  Error::detail is
// for the server log only and never reaches a client.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace authd {

enum class ErrorCode {
    invalid_input,
    not_found,
    conflict,
    unavailable,
    internal,
};

struct Error {
    ErrorCode code;
    std::string detail;  // server log only
};

template <typename E>
struct Unexpected {
    E error;
};
// Unexpected{r.error()}: one spelling to pass an error on.
template <typename E>
Unexpected(E) -> Unexpected<E>;

inline Unexpected<Error> fail(ErrorCode code, std::string detail) {
    return {Error{code, std::move(detail)}};
}

template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Unexpected<E> u) : v_(std::in_place_index<1>, std::move(u.error)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& { return std::get<1>(v_); }
    E&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, E> v_;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    Result(Unexpected<E> u) : error_(std::move(u.error)), ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const E& error() const& { return error_; }

private:
    E error_{};
    bool ok_ = true;
};

}  // namespace authd
