// core/overloaded.h
//
// One visitor from several lambdas, for std::visit over an outcome:
//     std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, outcome);
#pragma once

namespace authd {

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace authd
