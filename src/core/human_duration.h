// core/human_duration.h
//
// A length of time as mails and pages say it: "15 minutes", "1 hour",
// "7 days" (whole days from two days up), else seconds.
#pragma once

#include <string>

namespace authd {

std::string human_duration(int seconds);

}  // namespace authd
