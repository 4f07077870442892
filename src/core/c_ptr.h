// core/c_ptr.h
//
// One owner per C handle: CPtr<T, Free> is a unique_ptr whose deleter calls
// the C library's own free function.
#pragma once

#include <memory>

namespace authd {

template <auto Free>
struct CFree {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

template <typename T, auto Free>
using CPtr = std::unique_ptr<T, CFree<Free>>;

}  // namespace authd
