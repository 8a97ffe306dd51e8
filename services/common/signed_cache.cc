#include "services/common/signed_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace zwfw {
namespace {

constexpr size_t kMacBytes = 32;  // SHA-256

}  // namespace

absl::StatusOr<std::string> ReadCacheKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--cache_key_file=", path, ": cannot be read"));
  }
  std::string key(absl::StripTrailingAsciiWhitespace(contents.str()));
  if (key.size() < kMinCacheKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--cache_key_file=", path, ": the key has ", key.size(),
                     " bytes, fewer than ", kMinCacheKeyBytes,
                     " (make one with: head -c 32 /dev/urandom | base64)"));
  }
  return key;
}

std::string RandomCacheKey() {
  unsigned char bytes[kMacBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    LogError("RAND_bytes failed: cannot make a cache key");
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

SignedCache::SignedCache(Cache* inner, std::string key,
                         prometheus::Registry* registry)
    : inner_(inner), key_(std::move(key)) {
  if (registry == nullptr) return;
  bad_mac_counter_ =
      &prometheus::BuildCounter()
           .Name("zwfw_cache_bad_mac_total")
           .Help(
               "Cache values refused (answered as a miss) because their "
               "HMAC did not match: written by something without the key")
           .Register(*registry)
           .Add({});
}

std::string SignedCache::Mac(absl::string_view key,
                             absl::string_view value) const {
  // The key's length first, so that (key, value) pairs cannot be re-cut.
  std::string message = absl::StrCat(key.size(), ":", key, value);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::optional<std::string> SignedCache::Get(absl::string_view key) {
  std::optional<std::string> stored = inner_->Get(key);
  if (!stored.has_value()) return std::nullopt;
  absl::string_view all(*stored);
  if (all.size() >= kMacBytes) {
    absl::string_view value = all.substr(kMacBytes);
    std::string expected = Mac(key, value);
    if (CRYPTO_memcmp(expected.data(), all.data(), kMacBytes) == 0) {
      return std::string(value);
    }
  }
  bad_mac_counter_->Increment();
  return std::nullopt;
}

bool SignedCache::Set(absl::string_view key, absl::string_view value,
                      absl::Duration ttl) {
  return inner_->Set(key, absl::StrCat(Mac(key, value), value), ttl);
}

}  // namespace zwfw
