# Every dependency comes from a Debian package (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(tl-expected REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)

pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# Internationalised domain names in reported indicators (IDNA 2008 + UTS #46).
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)

# Crypto-PAn (AES), SHA-256 (OpenSSL libcrypto: SHA-NI/AVX2 code paths), the ledger:
# SQLite store, Ed25519 (libsodium), Boost.JSON for entry bodies and test vectors.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(Boost 1.81 REQUIRED COMPONENTS json)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)

# The hub: HTTP/1.1 on Boost.Beast/Asio (header-only), TLS with OpenSSL's
# libssl, PostgreSQL through libpq.
find_package(OpenSSL REQUIRED COMPONENTS SSL)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)

if(MAMORI_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MAMORI_BENCH)
  find_package(benchmark REQUIRED)
endif()
