#include "mamori/core/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mamori {

namespace {
constexpr std::size_t kBufferSize = 1 << 20;
}

OutputFile::OutputFile(int fd, bool owned, std::string path)
    : fd_(fd), owned_(owned), path_(std::move(path)), buffer_(kBufferSize) {}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(other.fd_),
      owned_(other.owned_),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      used_(other.used_),
      error_(std::move(other.error_)) {
  other.fd_ = -1;
  other.owned_ = false;
  other.used_ = 0;
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    (void)close();
    fd_ = other.fd_;
    owned_ = other.owned_;
    path_ = std::move(other.path_);
    buffer_ = std::move(other.buffer_);
    used_ = other.used_;
    error_ = std::move(other.error_);
    other.fd_ = -1;
    other.owned_ = false;
    other.used_ = 0;
  }
  return *this;
}

OutputFile::~OutputFile() { (void)close(); }

Result<OutputFile> OutputFile::open(const std::string& path) {
  if (path.empty() || path == "-") return OutputFile(STDOUT_FILENO, false, "<stdout>");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::io_error, "{}: cannot open for writing: {}", path, std::strerror(errno));
  return OutputFile(fd, true, path);
}

bool OutputFile::flush() {
  if (fd_ < 0) return false;
  std::size_t done = 0;
  while (done < used_) {
    ssize_t n = ::write(fd_, buffer_.data() + done, used_ - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error_.empty()) error_ = path_ + ": write failed: " + std::strerror(errno);
      used_ = 0;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  used_ = 0;
  return error_.empty();
}

Status OutputFile::close() {
  if (fd_ < 0) return {};
  flush();
  if (owned_ && ::close(fd_) != 0 && error_.empty()) error_ = path_ + ": close failed: " + std::strerror(errno);
  fd_ = -1;
  if (!error_.empty()) return fail(Errc::io_error, error_);
  return {};
}

bool OutputFile::is_terminal() const noexcept { return fd_ >= 0 && ::isatty(fd_) == 1; }

}  // namespace mamori
