#include "mamori/flow/mflow/byte_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace mamori::flow::mflow {

namespace {

class MemoryInput final : public ByteInput {
 public:
  explicit MemoryInput(Bytes data) : data_(data) {}
  Result<Bytes> view(std::uint64_t offset, std::size_t n) override {
    if (offset >= data_.size()) return Bytes{};
    return data_.subspan(static_cast<std::size_t>(offset), std::min<std::uint64_t>(n, data_.size() - offset));
  }

 private:
  Bytes data_;
};

class MappedInput final : public ByteInput {
 public:
  MappedInput(void* base, std::size_t size) : base_(base), size_(size) {}
  ~MappedInput() override { ::munmap(base_, size_); }
  MappedInput(const MappedInput&) = delete;
  MappedInput& operator=(const MappedInput&) = delete;
  Result<Bytes> view(std::uint64_t offset, std::size_t n) override {
    if (offset >= size_) return Bytes{};
    return Bytes(static_cast<const std::byte*>(base_) + offset, std::min<std::uint64_t>(n, size_ - offset));
  }

 private:
  void* base_;
  std::size_t size_;
};

// Pipes cannot be mapped: keep the bytes from the current section onwards.
class StreamInput final : public ByteInput {
 public:
  StreamInput(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  ~StreamInput() override {
    if (owned_) ::close(fd_);
  }
  StreamInput(const StreamInput&) = delete;
  StreamInput& operator=(const StreamInput&) = delete;

  Result<Bytes> view(std::uint64_t offset, std::size_t n) override {
    if (offset < start_) return fail(Errc::invalid_argument, "{}: cannot seek backwards in a stream", name_);
    if (offset > start_ + buffer_.size()) {
      std::uint64_t skip = offset - (start_ + buffer_.size());
      start_ += buffer_.size();
      buffer_.clear();
      while (skip > 0) {
        std::byte junk[65536];
        auto got = read_some(junk, static_cast<std::size_t>(std::min<std::uint64_t>(skip, sizeof junk)));
        if (!got) return tl::unexpected(got.error());
        if (*got == 0) return Bytes{};
        skip -= *got;
        start_ += *got;
      }
    }
    std::size_t drop = static_cast<std::size_t>(offset - start_);
    if (drop > 0) {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
      start_ = offset;
    }
    while (buffer_.size() < n && !eof_) {
      std::size_t have = buffer_.size();
      std::size_t want = std::max<std::size_t>(n - have, 1 << 16);
      buffer_.resize(have + want);
      auto got = read_some(buffer_.data() + have, want);
      if (!got) {
        buffer_.resize(have);
        return tl::unexpected(got.error());
      }
      buffer_.resize(have + *got);
      if (*got == 0) eof_ = true;
    }
    return Bytes(buffer_.data(), std::min(n, buffer_.size()));
  }

 private:
  Result<std::size_t> read_some(std::byte* out, std::size_t n) {
    for (;;) {
      ssize_t r = ::read(fd_, out, n);
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno == EINTR) continue;
      return fail(Errc::io_error, "{}: read failed at byte {}: {}", name_, start_ + buffer_.size(), std::strerror(errno));
    }
  }

  int fd_;
  bool owned_;
  std::string name_;
  std::uint64_t start_ = 0;
  std::vector<std::byte> buffer_;
  bool eof_ = false;
};

}  // namespace

std::unique_ptr<ByteInput> ByteInput::memory(Bytes data) { return std::make_unique<MemoryInput>(data); }

Result<std::unique_ptr<ByteInput>> ByteInput::open(const std::string& path) {
  if (path == "-") return std::unique_ptr<ByteInput>(std::make_unique<StreamInput>(STDIN_FILENO, false, "<stdin>"));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Errc code = errno == ENOENT ? Errc::not_found : Errc::io_error;
    return fail(code, "{}: cannot open: {}", path, std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    auto size = static_cast<std::size_t>(st.st_size);
    if (size == 0) {
      ::close(fd);
      return memory(Bytes{});
    }
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (base == MAP_FAILED) return fail(Errc::io_error, "{}: cannot map: {}", path, std::strerror(errno));
    return std::unique_ptr<ByteInput>(std::make_unique<MappedInput>(base, size));
  }
  return std::unique_ptr<ByteInput>(std::make_unique<StreamInput>(fd, true, path));
}

}  // namespace mamori::flow::mflow
