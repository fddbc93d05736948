#pragma once
// Validation of a report value, whatever built it (a parsed submission, the
// CLI, a test). Every check names the field it concerns; all problems are
// collected, not just the first.
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/report/model.hpp"
#include "mamori/report/report_json.hpp"

namespace mamori::report {

// Limits that keep one report bounded (the hub also caps the request size).
inline constexpr std::size_t kMaxShortText = 512;          // contact, asset, family, ...
inline constexpr std::size_t kMaxLongText = 32 * 1024;     // description, root cause, ...
inline constexpr std::size_t kMaxRansomNote = 64 * 1024;
inline constexpr std::size_t kMaxListItems = 1000;         // iocs, systems, targets
inline constexpr std::size_t kMaxIocText = 4096;           // one ioc entry
inline constexpr std::size_t kMaxWallets = 64;
// How far ahead of the receive time a reported time may be (clock skew).
inline constexpr TimeNs kMaxClockSkew = 5 * 60 * kNsPerSecond;
// Reported times before this (2000-01-01T00:00:00Z) are typos.
inline constexpr TimeNs kEarliestReportedTime = 946684800ULL * kNsPerSecond;

// Appends every problem of `report` to `problems`. Normalises on the way what
// has one canonical form (wallet addresses, the encrypted-file extension,
// currency case, DDoS techniques implied by the vectors), hence non-const.
void check_report(Report& report, std::vector<FieldError>& problems);

// check_report as a Status: invalid_argument listing every problem.
Status validate_report(Report& report);

}  // namespace mamori::report
