// The intake server: the Directory service (and, with the case intake issue,
// CaseIntake). Flags, wiring and the server; nothing else.
#include <sys/stat.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/intake/directory_catalog.h"
#include "services/intake/directory_service.h"
#include "services/intake/sqlite_directory_store.h"

namespace {

int Fail(const absl::Status& status) {
  zwfw::LogError(status.ToString());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "intake", "127.0.0.1:50051");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return Fail(host.status());

  absl::StatusOr<std::unique_ptr<zwfw::TokenStore>> tokens =
      zwfw::TokenStore::Open(config.token_file);
  if (!tokens.ok()) return Fail(tokens.status());

  mkdir(config.data_dir.c_str(), 0700);
  absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteDirectoryStore>> store =
      zwfw::intake::SqliteDirectoryStore::Open(config.data_dir + "/intake.db");
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::unique_ptr<zwfw::intake::DirectoryCatalog>> catalog =
      zwfw::intake::DirectoryCatalog::Open(store->get());
  if (!catalog.ok()) return Fail(catalog.status());

  zwfw::intake::DirectoryService directory(catalog->get(), tokens->get());
  return (*host)->Run({&directory});
}
