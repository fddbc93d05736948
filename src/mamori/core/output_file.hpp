#pragma once
// A buffered, write(2)-based output file ("-" is standard output). Text
// writers format straight into its buffer, which keeps per-record output to
// a few stores and one bounds check.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"

namespace mamori {

class OutputFile {
 public:
  static Result<OutputFile> open(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  ~OutputFile();

  // Space for at least `n` more bytes; flushes when the buffer is nearly full.
  char* reserve(std::size_t n) {
    if (buffer_.size() - used_ < n) {
      if (!flush()) return nullptr;
      if (buffer_.size() < n) buffer_.resize(n);
    }
    return buffer_.data() + used_;
  }
  void commit(std::size_t n) noexcept { used_ += n; }
  bool append(std::string_view text) {
    char* p = reserve(text.size());
    if (p == nullptr) return false;
    std::copy(text.begin(), text.end(), p);
    commit(text.size());
    return true;
  }
  bool flush();
  Status close();
  bool is_terminal() const noexcept;
  const std::string& path() const noexcept { return path_; }
  // The first write error, if any (writes after an error are dropped).
  const std::string& error() const noexcept { return error_; }

 private:
  OutputFile(int fd, bool owned, std::string path);
  int fd_ = -1;
  bool owned_ = false;
  std::string path_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  std::string error_;
};

}  // namespace mamori
