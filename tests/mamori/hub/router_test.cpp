#include "mamori/hub/http/router.hpp"

#include <gtest/gtest.h>

#include "mamori/hub/http/server.hpp"

namespace mamori::hub {
namespace {

RouteSpec route(std::string method, std::string pattern, std::string name) {
  RouteSpec r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.name = std::move(name);
  r.handler = [](Request&) { return json_response(200, "{}"); };
  return r;
}

TEST(Router, MatchesMethodsPathsAndParameters) {
  Router router;
  ASSERT_TRUE(router.add(route("GET", "/v1/organisations", "list")));
  ASSERT_TRUE(router.add(route("POST", "/v1/organisations", "create")));
  ASSERT_TRUE(router.add(route("GET", "/v1/organisations/{id}", "get")));
  ASSERT_TRUE(router.add(route("GET", "/v1/organisations/{id}/access-log", "log")));
  EXPECT_FALSE(router.add(route("GET", "/v1/organisations", "again")));  // duplicates refused

  std::map<std::string, std::string> params;
  auto m = router.match("GET", "/v1/organisations/acme", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "get");
  EXPECT_EQ(params["id"], "acme");
  m = router.match("GET", "/v1/organisations/acme/access-log", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "log");
  m = router.match("POST", "/v1/organisations/", params);  // a trailing slash is the same path
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "create");

  m = router.match("DELETE", "/v1/organisations", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
  m = router.match("GET", "/v1/nothing", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

TEST(RequestTarget, DecodesPathAndQuery) {
  Request r;
  ASSERT_TRUE(parse_target("/v1/organisations/a%2Db?sector=%E9%9B%BB%E5%8A%9B&limit=5&x", r));
  EXPECT_EQ(r.path, "/v1/organisations/a-b");
  EXPECT_EQ(r.query["sector"], "電力");
  EXPECT_EQ(r.query["limit"], "5");
  EXPECT_EQ(r.query["x"], "");
  ASSERT_TRUE(parse_target("/q?name=a+b", r));
  EXPECT_EQ(r.query["name"], "a b");
  EXPECT_FALSE(parse_target("/bad%zz", r));
  EXPECT_FALSE(parse_target("/bad%2", r));
  EXPECT_FALSE(parse_target("/nul%00", r));
  EXPECT_FALSE(parse_target("http://example.jp/", r));
}

}  // namespace
}  // namespace mamori::hub
