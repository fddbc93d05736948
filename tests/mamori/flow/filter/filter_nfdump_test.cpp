// Differential test against real nfdump: the same flows are exported as
// NetFlow v5 to nfcapd on loopback, and every expression must select the
// same flows in nfdump and in Filter::matches / Filter::select.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "mamori/flow/filter/filter.hpp"
#include "netflow_v5_export.hpp"

extern char** environ;

namespace mamori::flow {
namespace {

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

// Runs argv, returns its standard output (standard error is discarded).
std::string run_capture(const std::vector<std::string>& args, int* status) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string out;
  if (rc == 0) {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::waitpid(pid, status, 0);
  } else {
    *status = -1;
  }
  ::close(pipe_fds[0]);
  return out;
}

std::uint16_t free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Flows that survive NetFlow v5 unchanged: IPv4, millisecond times, 32-bit
// counters, 16-bit interfaces. Small address and port pools give matches.
std::vector<FlowRecord> v5_flows(std::size_t n, std::uint64_t seed, TimeNs base) {
  std::mt19937_64 rng(seed);
  std::vector<FlowRecord> out;
  const std::uint8_t protos[] = {6, 6, 6, 17, 17, 1, 47, 50};
  const std::uint16_t ports[] = {22, 25, 53, 80, 123, 443, 8080};
  for (std::size_t i = 0; i < n; ++i) {
    FlowRecord f;
    f.start_ns = base + (rng() % 600'000) * kNsPerMs;
    f.end_ns = f.start_ns + (rng() % 3 == 0 ? 0 : (rng() % 100'000) * kNsPerMs);
    f.src_addr = IpAddress::v4(0x0a000000u | static_cast<std::uint32_t>(rng() % 64) << 8 | (rng() % 4));
    f.dst_addr = IpAddress::v4((rng() % 2 ? 0xc0a80000u : 0xc6336400u) | static_cast<std::uint32_t>(rng() % 32));
    f.proto = protos[rng() % std::size(protos)];
    if (f.proto == kProtoIcmp) {
      f.dst_port = static_cast<std::uint16_t>((rng() % 12) * 256 + rng() % 4);
    } else {
      f.src_port = rng() % 4 == 0 ? ports[rng() % std::size(ports)] : static_cast<std::uint16_t>(rng() % 65536);
      f.dst_port = rng() % 4 != 0 ? ports[rng() % std::size(ports)] : static_cast<std::uint16_t>(rng() % 65536);
    }
    // Also on non-TCP flows: nfdump drops those flags, mamori's filter ignores them.
    f.tcp_flags = static_cast<std::uint8_t>(rng() % 64);
    f.tos = rng() % 4 == 0 ? static_cast<std::uint8_t>(rng() % 256) : 0;
    f.packets = 1 + rng() % (rng() % 10 == 0 ? 5'000'000 : 200);
    f.bytes = std::min<std::uint64_t>(f.packets * (40 + rng() % 1460), 0xffffffffu);
    f.input_if = static_cast<std::uint32_t>(rng() % 8);
    f.output_if = static_cast<std::uint32_t>(rng() % 8);
    out.push_back(f);
  }
  return out;
}

class FilterVsNfdump : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!executable("/usr/bin/nfcapd") || !executable("/usr/bin/nfdump")) return;
    const TimeNs base = 1'700'000'000ULL * kNsPerSecond;
    flows_ = v5_flows(3000, 77, base);
    for (const auto& f : flows_)
      if (!testing::v5_representable(f)) return;
    std::vector<std::uint32_t> ids(flows_.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = i + 1;  // AS 0 would be indistinguishable from unset

    dir_ = ::testing::TempDir() + "nfdump_diff_" + std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0755);
    const std::uint16_t port = free_udp_port();
    std::vector<std::string> args = {"/usr/bin/nfcapd", "-w", dir_, "-b", "127.0.0.1", "-p", std::to_string(port),
                                     "-t", "3600", "-B", "4000000"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto datagrams = testing::encode_v5(flows_, ids, base + 700'000 * kNsPerMs);
    testing::send_udp_paced(port, datagrams);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (DIR* d = ::opendir(dir_.c_str())) {
      while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.rfind("nfcapd.2", 0) == 0) file_ = dir_ + "/" + name;
      }
      ::closedir(d);
    }
  }

  static void TearDownTestSuite() {
    if (!file_.empty() && !std::getenv("MAMORI_KEEP_NFCAPD")) std::remove(file_.c_str());
    if (!dir_.empty() && !std::getenv("MAMORI_KEEP_NFCAPD")) ::rmdir(dir_.c_str());
  }

  void SetUp() override {
    ASSERT_FALSE(file_.empty()) << "nfcapd/nfdump missing (scripts/test.sh installs them) or nfcapd stored nothing";
  }

  // The ids nfdump selects with `expr`; nullopt if nfdump rejects it.
  static std::optional<std::set<std::uint32_t>> nfdump_ids(const std::string& expr) {
    int status = 0;
    std::string out = run_capture({"/usr/bin/nfdump", "-r", file_, "-q", "-N", "-o", "fmt:%sas %das", expr}, &status);
    if (status != 0) return std::nullopt;
    std::set<std::uint32_t> ids;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      unsigned long hi = 0, lo = 0;
      if (std::sscanf(line.c_str(), " %lu %lu", &hi, &lo) == 2) ids.insert(static_cast<std::uint32_t>(hi << 16 | lo));
    }
    return ids;
  }

  static std::vector<FlowRecord> flows_;
  static std::string dir_;
  static std::string file_;
};

std::vector<FlowRecord> FilterVsNfdump::flows_;
std::string FilterVsNfdump::dir_;
std::string FilterVsNfdump::file_;

TEST_F(FilterVsNfdump, NfcapdReceivedEveryFlow) {
  auto all = nfdump_ids("any");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), flows_.size());
}

TEST_F(FilterVsNfdump, SameFlowsSelected) {
  const std::string a = flows_[5].src_addr.to_string();
  const std::string b = flows_[9].dst_addr.to_string();
  const std::vector<std::string> expressions = {
      "any",
      "proto tcp",
      "proto udp",
      "proto icmp",
      "proto 47",
      "proto esp",
      "not proto tcp",
      "ipv4",
      "ipv6",
      "src ip " + a,
      "dst ip " + b,
      "ip " + a,
      "host " + b,
      "src host " + a + " or dst host " + b,
      "net 10.0.0.0/20",
      "src net 10.0.16.0/20",
      "dst net 192.168.0.0/16",
      "dst net 198.51.100.0 255.255.255.240",
      "net 198.51.100.16/28",
      "src and dst net 10.0.0.0/8",
      "src or dst net 198.51.100.0/24",
      "ip in [ " + a + " " + b + " ]",
      "dst ip in [ 192.168.0.0/28, 198.51.100.3 ]",
      "port 443",
      "src port 53",
      "dst port 80",
      "port < 1024",
      "src port > 1024",
      "dst port >= 8080",
      "src port <= 22",
      "port gt 60000",
      "dst port eq 443",
      "port in [ 22 25 80 ]",
      "dst port in [ 53, 123 ]",
      "packets 1",
      "packets > 100",
      "packets < 5",
      "packets >= 1k",
      "bytes > 100000",
      "bytes < 1k",
      "bytes > 1m",
      "duration 0",
      "duration > 50000",
      "duration < 1000",
      "pps > 1000",
      "pps 0",
      "bps > 1m",
      "bps < 1000",
      "bpp > 1000",
      "bpp < 100",
      "flags S",
      "flags SA",
      "flags F",
      "flags RA",
      "flags X",
      "not flags S",
      "flags S and not flags AFRPU",
      "not (flags A and proto tcp)",
      "not not flags SA",
      "tos 0",
      "tos > 0",
      "if 3",
      "in if 2",
      "out if 5",
      "in if 1 and out if 7",
      "icmp-type 3",
      "icmp-code 1",
      "icmp-type 8 or icmp-code 2",
      "proto tcp and port 443",
      "proto udp and dst port 53 or proto tcp and dst port 22",
      "not (proto tcp or proto udp)",
      "(port 80 or port 443) and not bytes < 500",
      "! proto tcp && port 53 || tos > 128",
      "PROTO TCP AND DST PORT 443",
      "proto tcp # comment\nand flags S",
  };
  std::size_t compared = 0;
  for (const std::string& e : expressions) {
    auto f = Filter::compile(e);
    ASSERT_TRUE(f) << e << ": " << f.error().message;
    auto theirs = nfdump_ids(e);
    if (!theirs) {
      ADD_FAILURE() << "nfdump rejected '" << e << "'";
      continue;
    }
    std::set<std::uint32_t> ours;
    for (std::uint32_t i = 0; i < flows_.size(); ++i)
      if (f->matches(flows_[i])) ours.insert(i + 1);
    std::vector<std::uint32_t> only_ours, only_theirs;
    std::set_difference(ours.begin(), ours.end(), theirs->begin(), theirs->end(), std::back_inserter(only_ours));
    std::set_difference(theirs->begin(), theirs->end(), ours.begin(), ours.end(), std::back_inserter(only_theirs));
    EXPECT_TRUE(only_ours.empty() && only_theirs.empty())
        << "'" << e << "': mamori " << ours.size() << " flows, nfdump " << theirs->size() << "; only mamori: "
        << only_ours.size() << (only_ours.empty() ? "" : " (first id " + std::to_string(only_ours[0]) + ")")
        << ", only nfdump: " << only_theirs.size()
        << (only_theirs.empty() ? "" : " (first id " + std::to_string(only_theirs[0]) + ")");
    ++compared;
  }
  EXPECT_EQ(compared, expressions.size());
}

}  // namespace
}  // namespace mamori::flow
