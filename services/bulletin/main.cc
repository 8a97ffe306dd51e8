// The bulletin server: drafts, renders, published versions. Flags, wiring
// and the server; nothing else.
#include <sys/stat.h>

#include <memory>

#include "services/bulletin/bulletin_service.h"
#include "services/bulletin/bulletin_store.h"
#include "services/bulletin/sources.h"
#include "services/common/auth.h"
#include "services/common/intake_client.h"
#include "services/common/redis_cache.h"
#include "services/common/server.h"

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "bulletin", "127.0.0.1:50054");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return zwfw::StartupFailure(host.status());
  absl::StatusOr<std::unique_ptr<zwfw::TokenStore>> tokens =
      zwfw::TokenStore::Open(config.token_file);
  if (!tokens.ok()) return zwfw::StartupFailure(tokens.status());
  absl::StatusOr<std::string> service_token =
      zwfw::ReadServiceToken(config.service_token_file);
  if (!service_token.ok()) return zwfw::StartupFailure(service_token.status());

  mkdir(config.data_dir.c_str(), 0700);
  absl::StatusOr<std::unique_ptr<zwfw::bulletin::BulletinStore>> store =
      zwfw::bulletin::BulletinStore::Open(config.data_dir + "/bulletin.db");
  if (!store.ok()) return zwfw::StartupFailure(store.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> intake_channel =
      zwfw::ClientChannel(config, config.intake);
  if (!intake_channel.ok()) return zwfw::StartupFailure(intake_channel.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> survey_channel =
      zwfw::ClientChannel(config, config.survey);
  if (!survey_channel.ok()) return zwfw::StartupFailure(survey_channel.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> scoring_channel =
      zwfw::ClientChannel(config, config.scoring);
  if (!scoring_channel.ok()) {
    return zwfw::StartupFailure(scoring_channel.status());
  }
  zwfw::IntakeClient intake(*intake_channel, config.intake, *service_token);
  zwfw::bulletin::GrpcBulletinSources sources(
      &intake, *survey_channel, config.survey, *scoring_channel,
      config.scoring, *service_token);
  std::unique_ptr<zwfw::RedisCache> cache = zwfw::RedisCache::Create(
      {.address = config.redis}, &(*host)->metrics().registry());
  zwfw::bulletin::BulletinService bulletin(
      store->get(), &sources, tokens->get(),
      config.redis.empty() ? nullptr : cache.get());
  return (*host)->Run({&bulletin});
}
