// sensor::HubPoster against a real in-process hub on 127.0.0.1: batches of
// findings arrive once each; with no hub the data path never waits and drops
// are counted; a refused batch is counted, not retried forever.
#include "mamori/sensor/hub_poster.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "../hub/hub_test_support.hpp"

namespace mamori::sensor {
namespace {

namespace json = boost::json;
using hub::testing::RunningHub;

std::string finding(int i) {
  return fmt::format(
      R"({{"kind":"scanning","detector":"trw","endpoint":"198.51.{}.{}","score":70,)"
      R"("first_seen":"2025-03-01T00:00:00Z","last_seen":"2025-03-01T00:01:00Z",)"
      R"("first_seen_ns":1740787200000000000,"last_seen_ns":1740787260000000000,"attributes":{{}}}})",
      i / 250, i % 250 + 1);
}

std::string create_key(RunningHub& h, const std::string& role) {
  auto admin = h.client(h.admin_key());
  auto org = hub::hub_request(admin, "POST", "/v1/organisations",
                              R"({"id":"carrier-x","name":"X","sector":"information_communication"})");
  EXPECT_TRUE(org && (org->status == 201 || org->status == 409));
  auto r =
      hub::hub_request(admin, "POST", "/v1/api-keys", R"({"role":")" + role + R"(","org_id":"carrier-x"})");
  EXPECT_TRUE(r && r->status == 201);
  return std::string(json::parse(r->body).at("key").as_string());
}

TEST(HubPoster, BatchesArriveOnceEach) {
  hub::HubConfig config;
  config.rate_limit = {1000, 1000};
  auto h = RunningHub::start(config);
  ASSERT_TRUE(h->ok()) << h->error();
  HubPosterOptions o;
  o.client = h->client(create_key(*h, "carrier"));
  o.batch_max = 100;
  o.flush_interval = std::chrono::milliseconds(50);
  auto poster = HubPoster::start(o);
  for (int i = 0; i < 1234; ++i) ASSERT_TRUE(poster->offer(finding(i)));
  auto s = poster->finish(std::chrono::seconds(30));
  EXPECT_EQ(s.posted, 1234u);
  EXPECT_GE(s.batches, 13u);
  EXPECT_EQ(s.dropped + s.rejected + s.unsent, 0u);
  auto list = hub::hub_request(h->client(h->admin_key()), "GET", "/v1/findings?limit=1000&min_score=0");
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(json::parse(list->body).at("items").as_array().size(), 1000u);
  auto page2 = hub::hub_request(
      h->client(h->admin_key()), "GET",
      "/v1/findings?limit=1000&after=" + std::to_string(json::parse(list->body).at("next").as_int64()));
  ASSERT_TRUE(page2.has_value());
  const auto rest = json::parse(page2->body);
  for (const auto& f : rest.at("items").as_array()) EXPECT_EQ(f.at("reports").as_int64(), 1);
  EXPECT_EQ(rest.at("items").as_array().size(), 234u);
}

TEST(HubPoster, NoHubNeverBlocksTheDataPathAndCountsDrops) {
  // A port with nothing listening: bind, learn the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(fd);
  HubPosterOptions o;
  o.client.url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  o.client.key = "mk_0000000000000000_" + std::string(64, '0');
  o.queue_capacity = 1000;
  o.flush_interval = std::chrono::milliseconds(10);
  auto poster = HubPoster::start(o);
  const auto started = std::chrono::steady_clock::now();
  int queued = 0;
  for (int i = 0; i < 20000; ++i) queued += poster->offer(finding(i)) ? 1 : 0;
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::milliseconds(500));
  EXPECT_LE(queued, 1000 + 1000);  // at most the queue and one batch in flight
  auto s = poster->finish(std::chrono::milliseconds(300));
  EXPECT_EQ(s.offered, 20000u);
  EXPECT_EQ(s.dropped, 20000u - static_cast<std::uint64_t>(queued));
  EXPECT_EQ(s.posted, 0u);
  EXPECT_GT(s.retries, 0u);
  EXPECT_GT(s.unsent, 0u);
}

TEST(HubPoster, RefusedBatchesAreCountedNotRetriedForever) {
  hub::HubConfig config;
  config.rate_limit = {1000, 1000};
  auto h = RunningHub::start(config);
  ASSERT_TRUE(h->ok()) << h->error();
  HubPosterOptions o;
  o.client = h->client(create_key(*h, "operator"));  // not a carrier: 403
  o.flush_interval = std::chrono::milliseconds(20);
  auto poster = HubPoster::start(o);
  for (int i = 0; i < 10; ++i) poster->offer(finding(i));
  auto s = poster->finish(std::chrono::seconds(10));
  EXPECT_EQ(s.rejected, 10u);
  EXPECT_EQ(s.posted, 0u);
  EXPECT_EQ(s.unsent, 0u);
}

}  // namespace
}  // namespace mamori::sensor
