#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <thread>

#include "mamori/flow/mflow/column_codec.hpp"
#include "mamori/flow/output/flow_writer.hpp"
#include "mflow_test_util.hpp"
#include "random_flows.hpp"

namespace mamori::flow {
namespace {

using testing::random_flows;
using testing::read_all;
using testing::temp_path;
using testing::write_mflow;

void expect_same(const std::vector<FlowRecord>& got, const std::vector<FlowRecord>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "record " << i;
}

struct CodecCase {
  mflow::Codec codec;
  bool shuffle;
  std::uint32_t block_records;
};

class MflowRoundTrip : public ::testing::TestWithParam<CodecCase> {};

TEST_P(MflowRoundTrip, AllFieldsMixedFamiliesManyBlocks) {
  const CodecCase c = GetParam();
  auto flows = random_flows(5321, 42);
  const std::string path = temp_path("roundtrip");
  MflowWriterOptions options;
  options.codec = c.codec;
  options.shuffle = c.shuffle;
  options.block_records = c.block_records;
  ASSERT_TRUE(write_mflow(path, flows, options));
  auto out = read_all(MflowReader::open(path));
  ASSERT_FALSE(out.error) << out.error->message;
  EXPECT_EQ(out.blocks, (flows.size() + c.block_records - 1) / c.block_records);
  expect_same(out.flows, flows);
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Codecs, MflowRoundTrip,
                         ::testing::Values(CodecCase{mflow::Codec::zstd, true, 1000},
                                           CodecCase{mflow::Codec::zstd, false, 4096},
                                           CodecCase{mflow::Codec::lz4, true, 1000},
                                           CodecCase{mflow::Codec::lz4, false, 65536},
                                           CodecCase{mflow::Codec::none, true, 777},
                                           CodecCase{mflow::Codec::zstd, true, 1}));

TEST(MflowFile, EmptyFileHasNoRecordsAndAVerifiedFooter) {
  const std::string path = temp_path("empty");
  ASSERT_TRUE(write_mflow(path, {}));
  auto bytes = testing::read_bytes(path);
  EXPECT_EQ(bytes.size(), 32u + 16 + 8 + 16);  // header + footer, no blocks
  auto out = read_all(MflowReader::open(path));
  EXPECT_FALSE(out.error);
  EXPECT_TRUE(out.flows.empty());
  std::remove(path.c_str());
}

TEST(MflowFile, SingleFamilyAndConstantBlocksRoundTrip) {
  // All-IPv6, all-IPv4 and fully constant blocks exercise the other address and integer encodings.
  std::vector<FlowRecord> flows;
  auto v6 = random_flows(300, 7, {.ipv6 = true, .edge_values = false});
  for (auto f : v6) {
    f.src_addr = IpAddress(0x20010db8ULL << 32, f.src_addr.lo() + 1);
    f.dst_addr = IpAddress(0x20010db9ULL << 32, f.dst_addr.lo() + 2);
    flows.push_back(f);
  }
  auto v4 = random_flows(300, 8, {.ipv6 = false, .edge_values = false});
  flows.insert(flows.end(), v4.begin(), v4.end());
  FlowRecord same;
  same.src_addr = *IpAddress::parse("2001:db8::1");
  same.dst_addr = *IpAddress::parse("192.0.2.7");
  same.start_ns = 123;
  same.end_ns = 456;
  same.packets = same.raw_packets = 3;
  same.bytes = same.raw_bytes = 180;
  for (int i = 0; i < 300; ++i) flows.push_back(same);
  const std::string path = temp_path("families");
  ASSERT_TRUE(write_mflow(path, flows, {.block_records = 300}));
  auto out = read_all(MflowReader::open(path));
  ASSERT_FALSE(out.error) << out.error->message;
  EXPECT_EQ(out.blocks, 3u);
  expect_same(out.flows, flows);
  std::remove(path.c_str());
}

TEST(MflowFile, ReadsFromMemoryAndFromAPipe) {
  auto flows = random_flows(2500, 9);
  const std::string path = temp_path("pipe");
  ASSERT_TRUE(write_mflow(path, flows, {.block_records = 1000}));
  auto bytes = testing::read_bytes(path);

  auto mem = read_all(MflowReader::open_memory(bytes));
  ASSERT_FALSE(mem.error) << mem.error->message;
  expect_same(mem.flows, flows);

  const std::string fifo = path + ".fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread feeder([&] {
    int fd = ::open(fifo.c_str(), O_WRONLY);
    std::size_t done = 0;
    while (done < bytes.size()) {
      std::size_t chunk = std::min<std::size_t>(4093, bytes.size() - done);  // odd sizes split every structure
      ssize_t n = ::write(fd, bytes.data() + done, chunk);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  auto piped = read_all(MflowReader::open(fifo));
  feeder.join();
  ASSERT_FALSE(piped.error) << piped.error->message;
  expect_same(piped.flows, flows);
  std::remove(fifo.c_str());
  std::remove(path.c_str());
}

TEST(MflowFile, FlowWriterFactoryReturnsTheMflowWriter) {
  auto flows = random_flows(10, 1);
  const std::string path = temp_path("factory");
  auto w = open_flow_writer(FlowFormat::mflow, path);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE((*w)->write(flows));
  ASSERT_TRUE((*w)->finish());
  auto out = read_all(MflowReader::open(path));
  ASSERT_FALSE(out.error);
  expect_same(out.flows, flows);
  std::remove(path.c_str());
}

TEST(MflowFile, RefusesToWriteToATerminal) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_TRUE(master >= 0 && ::grantpt(master) == 0 && ::unlockpt(master) == 0) << "no pseudo-terminal";
  const char* slave = ::ptsname(master);
  ASSERT_NE(slave, nullptr);
  auto w = open_mflow_writer(slave);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, Errc::invalid_argument);
  EXPECT_NE(w.error().message.find("terminal"), std::string::npos);
  ::close(master);
}

TEST(MflowFile, RejectsBadOptions) {
  EXPECT_FALSE(open_mflow_writer(temp_path("opt"), {.block_records = 0}));
  EXPECT_FALSE(open_mflow_writer(temp_path("opt"), {.level = 40}));
  std::remove(temp_path("opt").c_str());
  EXPECT_TRUE(parse_mflow_codec("lz4"));
  EXPECT_FALSE(parse_mflow_codec("gzip"));
}

TEST(MflowFile, MissingFileIsNotFound) {
  auto r = MflowReader::open("/nonexistent/dir/x.mflow");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST(MflowFile, RealisticFlowsAreSmall) {
  // High-entropy random flows (random ports, sizes, times): still the
  // columnar encoding must need far less than the 136 bytes of a FlowRecord.
  auto flows = random_flows(20000, 3, {.ipv6 = false, .edge_values = false, .hosts = 5000});
  const std::string path = temp_path("size");
  ASSERT_TRUE(write_mflow(path, flows));
  auto size = testing::read_bytes(path).size();
  EXPECT_LT(static_cast<double>(size) / static_cast<double>(flows.size()), 32.0) << size;
  std::remove(path.c_str());
}

TEST(MflowCodec, ShuffleRoundTrips) {
  std::vector<std::byte> in(8 * 13), mid(in.size()), out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = std::byte(i * 7);
  for (std::size_t w : {2u, 4u, 8u}) {
    std::size_t count = in.size() / w;
    mflow::shuffle_bytes(in.data(), mid.data(), count, w);
    EXPECT_EQ(mid[1], in[w]) << w;  // byte 0 of element 1 follows byte 0 of element 0
    mflow::unshuffle_bytes(mid.data(), out.data(), count, w);
    EXPECT_EQ(in, out) << w;
  }
}

}  // namespace
}  // namespace mamori::flow
