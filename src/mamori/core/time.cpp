#include "mamori/core/time.hpp"

#include <chrono>
#include <cstring>

namespace mamori {

namespace {
// Howard Hinnant's civil-from-days, branch-light and exact over the proleptic calendar.
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline char* put2(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}
}  // namespace

std::size_t format_rfc3339(TimeNs t, char* out) noexcept {
  const std::uint64_t secs = t / kNsPerSecond;
  const auto nanos = static_cast<unsigned>(t % kNsPerSecond);
  const auto days = static_cast<std::int64_t>(secs / 86400);
  const auto sod = static_cast<unsigned>(secs % 86400);
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char* p = out;
  p = put2(p, static_cast<unsigned>(y / 100));
  p = put2(p, static_cast<unsigned>(y % 100));
  *p++ = '-';
  p = put2(p, m);
  *p++ = '-';
  p = put2(p, d);
  *p++ = 'T';
  p = put2(p, sod / 3600);
  *p++ = ':';
  p = put2(p, (sod / 60) % 60);
  *p++ = ':';
  p = put2(p, sod % 60);
  *p++ = '.';
  unsigned n = nanos;
  for (int i = 8; i >= 0; --i) {
    p[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  p += 9;
  *p++ = 'Z';
  return static_cast<std::size_t>(p - out);
}

std::string format_rfc3339(TimeNs t) {
  char buf[40];
  return std::string(buf, format_rfc3339(t, buf));
}

Result<TimeNs> parse_rfc3339(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n, unsigned& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return fail(Errc::parse_error, "not an RFC 3339 time: '{}'", s);
  }
  std::size_t pos = 10;
  std::uint64_t nanos = 0;
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    if (!digits(pos + 1, 2, h) || s.size() < pos + 9 || s[pos + 3] != ':' || !digits(pos + 4, 2, mi) ||
        s[pos + 6] != ':' || !digits(pos + 7, 2, se) || h > 23 || mi > 59 || se > 60) {
      return fail(Errc::parse_error, "not an RFC 3339 time: '{}'", s);
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 9) {
          nanos = nanos * 10 + static_cast<unsigned>(s[pos] - '0');
          ++n;
        }
        ++pos;
      }
      for (; n < 9; ++n) nanos *= 10;
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      unsigned oh, om;
      if (!digits(pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' || !digits(pos + 4, 2, om)) {
        return fail(Errc::parse_error, "bad UTC offset in '{}'", s);
      }
      offset_s = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
      pos += 6;
    }
  }
  if (pos != s.size()) return fail(Errc::parse_error, "trailing text in time '{}'", s);
  std::int64_t days = days_from_civil(static_cast<int>(y), mo, d);
  std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_s;
  if (secs < 0) return fail(Errc::parse_error, "time before 1970: '{}'", s);
  return static_cast<TimeNs>(secs) * kNsPerSecond + nanos;
}

Result<TimeNs> parse_duration(std::string_view s) {
  if (s.empty()) return fail(Errc::parse_error, "empty duration");
  std::size_t i = 0;
  double value = 0;
  double scale = 1;
  bool frac = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (frac) {
        scale /= 10;
        value += (c - '0') * scale;
      } else {
        value = value * 10 + (c - '0');
      }
    } else if (c == '.' && !frac) {
      frac = true;
    } else {
      break;
    }
  }
  if (!any) return fail(Errc::parse_error, "not a duration: '{}'", s);
  auto unit = s.substr(i);
  double ns_per;
  if (unit.empty() || unit == "s") ns_per = 1e9;
  else if (unit == "ms") ns_per = 1e6;
  else if (unit == "us") ns_per = 1e3;
  else if (unit == "ns") ns_per = 1;
  else if (unit == "m" || unit == "min") ns_per = 60e9;
  else if (unit == "h") ns_per = 3600e9;
  else if (unit == "d") ns_per = 86400e9;
  else return fail(Errc::parse_error, "unknown duration unit in '{}' (use ns, us, ms, s, m, h, d)", s);
  return static_cast<TimeNs>(value * ns_per + 0.5);
}

TimeNs now_ns() noexcept {
  return static_cast<TimeNs>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

}  // namespace mamori
