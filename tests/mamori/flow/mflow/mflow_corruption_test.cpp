#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "mamori/flow/mflow/block_layout.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"
#include "mflow_test_util.hpp"
#include "random_flows.hpp"

namespace mamori::flow {
namespace {

using testing::read_all;

// A small file with several blocks, and where each block starts and ends.
class MflowCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    flows_ = testing::random_flows(5 * 64 + 17, 5);
    const std::string path = testing::temp_path("corrupt");
    ASSERT_TRUE(testing::write_mflow(path, flows_, {.block_records = 64}));
    bytes_ = testing::read_bytes(path);
    std::remove(path.c_str());
    auto reader = MflowReader::open_memory(bytes_);
    ASSERT_TRUE(reader);
    for (;;) {
      auto more = reader->next_block();
      ASSERT_TRUE(more);
      if (!*more) break;
      block_starts_.push_back(reader->block().file_offset());
      block_sizes_.push_back(reader->block().size());
    }
    ASSERT_EQ(block_starts_.size(), 6u);
    footer_ = bytes_.size() - (mflow::kFooterFixedSize + 6 * mflow::kIndexEntrySize + mflow::kChecksumSize +
                               mflow::kTrailerSize);
  }

  // Blocks that end at or before `offset`.
  std::size_t blocks_before(std::size_t offset) const {
    std::size_t k = 0;
    for (std::size_t i = 0; i < block_starts_.size(); ++i) {
      std::size_t end = i + 1 < block_starts_.size() ? block_starts_[i + 1] : footer_;
      if (end <= offset) k = i + 1;
    }
    return k;
  }
  std::size_t records_in(std::size_t blocks) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < blocks; ++i) n += block_sizes_[i];
    return n;
  }

  void expect_prefix(const testing::ReadOutcome& out, std::size_t min_blocks, const std::string& what) const {
    ASSERT_GE(out.flows.size(), records_in(min_blocks)) << what;
    ASSERT_LE(out.flows.size(), flows_.size()) << what;
    for (std::size_t i = 0; i < out.flows.size(); ++i) ASSERT_EQ(out.flows[i], flows_[i]) << what << " record " << i;
  }

  std::vector<FlowRecord> flows_;
  std::vector<std::byte> bytes_;
  std::vector<std::uint64_t> block_starts_;
  std::vector<std::size_t> block_sizes_;
  std::size_t footer_ = 0;
};

const std::regex kNamesOffset("byte [0-9]+");

TEST_F(MflowCorruption, EveryFlippedByteIsDetectedAfterTheBlocksBeforeIt) {
  for (std::size_t offset = 0; offset < bytes_.size(); ++offset) {
    std::vector<std::byte> damaged = bytes_;
    damaged[offset] ^= std::byte{0x5a};
    auto out = read_all(MflowReader::open_memory(damaged));
    const std::string what = "flip at byte " + std::to_string(offset);
    ASSERT_TRUE(out.error) << what;
    EXPECT_TRUE(out.error->code == Errc::corrupt || out.error->code == Errc::truncated ||
                out.error->code == Errc::unsupported)
        << what << ": " << out.error->message;
    EXPECT_TRUE(std::regex_search(out.error->message, kNamesOffset)) << what << ": " << out.error->message;
    expect_prefix(out, blocks_before(offset), what);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST_F(MflowCorruption, EveryTruncationIsReportedWithTheBlocksBeforeIt) {
  for (std::size_t size = 0; size < bytes_.size(); ++size) {
    std::span<const std::byte> cut(bytes_.data(), size);
    auto out = read_all(MflowReader::open_memory(cut));
    const std::string what = "truncated to " + std::to_string(size) + " bytes";
    ASSERT_TRUE(out.error) << what;
    EXPECT_EQ(out.error->code, Errc::truncated) << what << ": " << out.error->message;
    EXPECT_TRUE(std::regex_search(out.error->message, kNamesOffset)) << what << ": " << out.error->message;
    // Exactly the complete blocks are delivered.
    ASSERT_EQ(out.flows.size(), records_in(blocks_before(size))) << what;
    expect_prefix(out, blocks_before(size), what);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST_F(MflowCorruption, FileWithoutFooterReadsEveryCompleteBlock) {
  std::span<const std::byte> cut(bytes_.data(), footer_);
  auto out = read_all(MflowReader::open_memory(cut));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, Errc::truncated);
  EXPECT_NE(out.error->message.find("without a footer"), std::string::npos) << out.error->message;
  EXPECT_EQ(out.flows, flows_);
}

TEST_F(MflowCorruption, TrailingGarbageIsCorrupt) {
  std::vector<std::byte> longer = bytes_;
  longer.push_back(std::byte{0});
  auto out = read_all(MflowReader::open_memory(longer));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, Errc::corrupt);
  EXPECT_EQ(out.flows, flows_);
}

// Rewrites a block header field and fixes the checksum, so that the length
// validation behind the checksum is what has to catch the damage.
TEST_F(MflowCorruption, InconsistentLengthsBehindAValidChecksumAreCorrupt) {
  using namespace mflow;
  const std::size_t block = block_starts_[2];
  const std::uint16_t columns = load_le16(bytes_.data() + block + 12);
  const std::size_t header = block_header_size(columns);
  auto reseal = [&](std::vector<std::byte>& b) {
    store_le64(b.data() + block + header - 8, checksum(b.data() + block, header - 8));
  };
  struct Case {
    const char* name;
    void (*edit)(std::byte* block_start);
  };
  const Case cases[] = {
      {"stored length larger than raw",
       [](std::byte* b) { store_le32(b + kBlockFixedSize + 8, load_le32(b + kBlockFixedSize + 12) + 1); }},
      {"payload size disagrees", [](std::byte* b) { store_le64(b + 16, load_le64(b + 16) + 1); }},
      {"record count zero", [](std::byte* b) { store_le32(b + 8, 0); }},
      {"huge record count", [](std::byte* b) { store_le32(b + 8, 0x7fffffff); }},
      {"unknown codec", [](std::byte* b) { b[kBlockFixedSize + 1] = std::byte{9}; }},
      {"bad width", [](std::byte* b) { b[kBlockFixedSize + 2] = std::byte{3}; }},
      {"raw length wrong for width", [](std::byte* b) {
         store_le32(b + kBlockFixedSize + 12, load_le32(b + kBlockFixedSize + 12) + 8);
       }},
  };
  for (const Case& c : cases) {
    std::vector<std::byte> damaged = bytes_;
    c.edit(damaged.data() + block);
    reseal(damaged);
    auto out = read_all(MflowReader::open_memory(damaged));
    ASSERT_TRUE(out.error) << c.name;
    EXPECT_EQ(out.error->code, Errc::corrupt) << c.name << ": " << out.error->message;
    EXPECT_TRUE(std::regex_search(out.error->message, kNamesOffset)) << c.name;
    expect_prefix(out, 2, c.name);
  }
}

TEST_F(MflowCorruption, NewerMajorVersionIsUnsupported) {
  using namespace mflow;
  std::vector<std::byte> newer = bytes_;
  store_le16(newer.data() + 8, 2);
  store_le64(newer.data() + 24, checksum(newer.data(), 24));
  auto r = MflowReader::open_memory(newer);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsupported);
}

TEST_F(MflowCorruption, NotAnMflowFile) {
  std::string text = "start,end,src\n1,2,3\n this is a CSV file, not mflow";
  auto r = MflowReader::open_memory(as_bytes(text.data(), text.size()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().message.find("not an .mflow file"), std::string::npos);
}

}  // namespace
}  // namespace mamori::flow
