#include "gateway/response_cache.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/auth.h"

namespace zwfw::gateway {
namespace {

constexpr absl::string_view kMagic = "zwfw-reply-1";

// What the gateway itself writes into a cached reply (transcoder.h's
// OkReply, the ETag): anything else read back from Redis is not served.
bool IsOwnContentType(absl::string_view type) {
  static constexpr absl::string_view kTypes[] = {
      "application/json; charset=utf-8",
      "text/plain; charset=utf-8",
      "text/markdown; charset=utf-8",
      "text/html; charset=utf-8",
      "text/csv; charset=utf-8",
      "application/pdf",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
  for (absl::string_view t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

// The headers a cached reply may carry, each checked against the body.
bool IsOwnHeader(const std::pair<std::string, std::string>& header,
                 absl::string_view body) {
  const auto& [name, value] = header;
  if (name == "ETag") return value == EtagOf(body);
  if (name == "X-Content-SHA256") return value == Sha256Hex(body);
  if (name == "Content-Disposition") {
    constexpr absl::string_view kPrefix = "attachment; filename=\"";
    if (!absl::StartsWith(value, kPrefix) || !absl::EndsWith(value, "\"")) {
      return false;
    }
    absl::string_view file = absl::string_view(value).substr(
        kPrefix.size(), value.size() - kPrefix.size() - 1);
    return !file.empty() && std::all_of(file.begin(), file.end(), [](char c) {
      return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
    });
  }
  return false;
}

size_t SizeOf(const std::string& key, const CachedReply& entry) {
  size_t n = key.size() * 2 + entry.reply.body.size() + 128;
  for (const auto& [name, value] : entry.reply.headers) {
    n += name.size() + value.size();
  }
  return n;
}

}  // namespace

std::string EtagOf(absl::string_view body) {
  return absl::StrCat("\"", Sha256Hex(body).substr(0, 32), "\"");
}

// kMagic \n expires-micros (or "inf") \n content type \n header count \n
// (name \t value \n)* body
std::string EncodeCachedReply(const CachedReply& entry) {
  std::string out = absl::StrCat(
      kMagic, "\n",
      entry.expires == absl::InfiniteFuture()
          ? std::string("inf")
          : absl::StrCat(absl::ToUnixMicros(entry.expires)),
      "\n", entry.reply.content_type, "\n", entry.reply.headers.size(), "\n");
  for (const auto& [name, value] : entry.reply.headers) {
    absl::StrAppend(&out, name, "\t", value, "\n");
  }
  out += entry.reply.body;
  return out;
}

std::optional<CachedReply> DecodeCachedReply(absl::string_view bytes) {
  auto line = [&bytes]() -> std::optional<absl::string_view> {
    size_t end = bytes.find('\n');
    if (end == absl::string_view::npos) return std::nullopt;
    absl::string_view out = bytes.substr(0, end);
    bytes.remove_prefix(end + 1);
    return out;
  };
  std::optional<absl::string_view> magic = line(), expires = line(),
                                   content_type = line(), count = line();
  if (!count.has_value() || *magic != kMagic) return std::nullopt;
  CachedReply entry;
  int64_t micros = 0;
  if (*expires != "inf") {
    if (!absl::SimpleAtoi(*expires, &micros)) return std::nullopt;
    entry.expires = absl::FromUnixMicros(micros);
  }
  if (!IsOwnContentType(*content_type)) return std::nullopt;
  entry.reply.content_type = std::string(*content_type);
  int headers = 0;
  if (!absl::SimpleAtoi(*count, &headers) || headers < 0 || headers > 64) {
    return std::nullopt;
  }
  for (int i = 0; i < headers; ++i) {
    std::optional<absl::string_view> header = line();
    if (!header.has_value()) return std::nullopt;
    std::pair<std::string, std::string> kv =
        absl::StrSplit(*header, absl::MaxSplits('\t', 1));
    entry.reply.headers.push_back(std::move(kv));
  }
  entry.reply.body = std::string(bytes);
  for (const auto& header : entry.reply.headers) {
    if (!IsOwnHeader(header, entry.reply.body)) return std::nullopt;
  }
  return entry;
}

ResponseCache::ResponseCache(Cache* redis, Options options,
                             prometheus::Registry* registry)
    : redis_(redis), options_(options) {
  if (registry == nullptr) return;
  auto& family = prometheus::BuildCounter()
                     .Name("zwfw_gateway_cache_total")
                     .Help(
                         "Cacheable GET answers: from memory, from Redis, "
                         "missed (miss; of which shared: answered by another "
                         "reader's call of the same key), or not cacheable "
                         "at the time (bypass: a service's version not "
                         "followed)")
                     .Register(*registry);
  memory_hits_ = &family.Add({{"result", "hit_memory"}});
  redis_hits_ = &family.Add({{"result", "hit_redis"}});
  misses_ = &family.Add({{"result", "miss"}});
  bypasses_ = &family.Add({{"result", "bypass"}});
  shared_ = &family.Add({{"result", "shared"}});
}

std::shared_ptr<const CachedReply> ResponseCache::Get(const std::string& key,
                                                      absl::Time now,
                                                      bool memory_only) {
  {
    absl::MutexLock lock(&mu_);
    auto it = memory_.find(key);
    if (it != memory_.end() && now < it->second->expires) {
      if (memory_hits_ != nullptr) memory_hits_->Increment();
      return it->second;
    }
  }
  if (memory_only) return nullptr;
  if (redis_ != nullptr) {
    if (std::optional<std::string> bytes = redis_->Get(key)) {
      std::optional<CachedReply> entry = DecodeCachedReply(*bytes);
      if (entry.has_value() && now < entry->expires) {
        auto shared = std::make_shared<const CachedReply>(*std::move(entry));
        absl::MutexLock lock(&mu_);
        Remember(key, shared);
        if (redis_hits_ != nullptr) redis_hits_->Increment();
        return shared;
      }
    }
  }
  if (misses_ != nullptr) misses_->Increment();
  return nullptr;
}

void ResponseCache::Put(const std::string& key, CachedReply entry,
                        absl::Time now) {
  if (entry.expires <= now) return;
  if (redis_ != nullptr) {
    redis_->Set(key, EncodeCachedReply(entry),
                std::min(options_.redis_ttl, entry.expires - now));
  }
  auto shared = std::make_shared<const CachedReply>(std::move(entry));
  absl::MutexLock lock(&mu_);
  Remember(key, std::move(shared));
}

void ResponseCache::CountShared() {
  if (shared_ != nullptr) shared_->Increment();
}

void ResponseCache::CountBypass() {
  if (bypasses_ != nullptr) bypasses_->Increment();
}

void ResponseCache::Remember(const std::string& key,
                             std::shared_ptr<const CachedReply> entry) {
  const size_t size = SizeOf(key, *entry);
  if (size > options_.memory_bytes) return;
  auto [it, inserted] = memory_.try_emplace(key, entry);
  if (!inserted) {
    bytes_ -= SizeOf(key, *it->second);
    it->second = std::move(entry);
  } else {
    order_.push_back(key);
  }
  bytes_ += size;
  while (bytes_ > options_.memory_bytes && !order_.empty()) {
    auto old = memory_.find(order_.front());
    if (old != memory_.end()) {
      bytes_ -= SizeOf(old->first, *old->second);
      memory_.erase(old);
    }
    order_.pop_front();
  }
}

}  // namespace zwfw::gateway
