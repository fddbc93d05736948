#include "mamori/hub/http/router.hpp"

#include <algorithm>

namespace mamori::hub {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

namespace {
bool match_pattern(std::string_view pattern, const std::vector<std::string_view>& segs,
                   std::map<std::string, std::string>* params) {
  const auto pat = split_path(pattern);
  if (pat.size() != segs.size()) return false;
  for (std::size_t i = 0; i < pat.size(); ++i) {
    if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') {
      if (params) (*params)[std::string(pat[i].substr(1, pat[i].size() - 2))] = std::string(segs[i]);
    } else if (pat[i] != segs[i]) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool Router::add(RouteSpec spec) {
  for (const auto& r : routes_)
    if (r.method == spec.method && r.pattern == spec.pattern) return false;
  routes_.push_back(std::move(spec));
  return true;
}

RouteMatch Router::match(std::string_view method, std::string_view path, std::map<std::string, std::string>& params) const {
  RouteMatch m;
  const auto segs = split_path(path);
  for (const auto& r : routes_) {
    if (!match_pattern(r.pattern, segs, nullptr)) continue;
    if (r.method == method) {
      params.clear();
      match_pattern(r.pattern, segs, &params);
      m.route = &r;
      return m;
    }
    if (std::find(m.allowed_methods.begin(), m.allowed_methods.end(), r.method) == m.allowed_methods.end())
      m.allowed_methods.push_back(r.method);
  }
  return m;
}

}  // namespace mamori::hub
