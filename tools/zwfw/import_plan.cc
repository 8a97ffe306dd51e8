#include "tools/zwfw/import_plan.h"

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/table_import.h"
#include "zwfw/v1/directory.grpc.pb.h"

namespace zwfw::cli {
namespace {

bool NeedsDirectory(const zwfw::v1::ImportMapping& m) {
  for (const auto& f : m.fields()) {
    if (f.kind() == zwfw::v1::FIELD_KIND_DEPARTMENT ||
        f.kind() == zwfw::v1::FIELD_KIND_ITEM) {
      return true;
    }
  }
  return false;
}

// The mapping, the table opened and read to its header, and the converter.
struct OpenedTable {
  zwfw::v1::ImportMapping mapping;
  std::shared_ptr<const DirectoryIndex> directory;
  std::shared_ptr<TableReader> table;
  std::shared_ptr<RowConverter> converter;
};

absl::StatusOr<OpenedTable> OpenExport(const ClientOptions& options,
                                       const std::string& path,
                                       const std::string& mapping_path,
                                       absl::string_view record) {
  OpenedTable t;
  absl::StatusOr<zwfw::v1::ImportMapping> mapping = ReadMapping(mapping_path);
  if (!mapping.ok()) return mapping.status();
  t.mapping = *std::move(mapping);
  if (t.mapping.record() != record) {
    return absl::InvalidArgumentError(
        absl::StrCat(mapping_path, ": a mapping of ", t.mapping.record(),
                     " records, not of ", record, " records"));
  }
  if (NeedsDirectory(t.mapping)) {
    absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
        FetchDirectory(options);
    if (!directory.ok()) return directory.status();
    t.directory = *std::move(directory);
  }
  absl::StatusOr<std::unique_ptr<TableReader>> table =
      OpenTable(path, t.mapping);
  if (!table.ok()) return table.status();
  t.table = *std::move(table);
  absl::StatusOr<std::unique_ptr<RowConverter>> converter =
      ReadHeader(*t.table, t.mapping, t.directory);
  if (!converter.ok()) {
    return absl::Status(converter.status().code(),
                        absl::StrCat(path, ": ", converter.status().message()));
  }
  t.converter = *std::move(converter);
  return t;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> FetchDirectory(
    const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(options, options.intake);
  if (!channel.ok()) return channel.status();
  auto stub = zwfw::v1::Directory::NewStub(*channel);
  zwfw::v1::ListDepartmentsResponse departments;
  grpc::Status s =
      stub->ListDepartments(NewContext(options).get(), {}, &departments);
  zwfw::v1::ListServiceItemsResponse items;
  if (s.ok()) {
    s = stub->ListServiceItems(NewContext(options).get(), {}, &items);
  }
  if (!s.ok()) {
    return PeerFailure("intake (the directory, to resolve names)",
                       options.intake, s);
  }
  zwfw::v1::DirectorySnapshot snapshot;
  *snapshot.mutable_departments() = departments.departments();
  *snapshot.mutable_service_items() = items.service_items();
  return DirectoryIndex::Build(std::move(snapshot), 0);
}

absl::StatusOr<ImportPlan> PlanImport(
    const ClientOptions& options, const std::string& path,
    const std::string& mapping_path, absl::string_view record,
    const google::protobuf::Message& prototype) {
  ImportPlan plan;
  const bool tty = isatty(STDERR_FILENO);
  if (mapping_path.empty()) {
    auto in = std::make_shared<std::ifstream>(path);
    if (!*in) return absl::NotFoundError(path + ": cannot be opened");
    plan.tally = std::make_unique<ImportTally>(tty);
    std::shared_ptr<const google::protobuf::Message> proto(prototype.New());
    plan.source = [in, proto](int batch, ImportTally& tally,
                              const SendRecords& send) {
      ReadJsonLines(*in, *proto, batch, tally, send);
    };
    return plan;
  }
  absl::StatusOr<OpenedTable> t =
      OpenExport(options, path, mapping_path, record);
  if (!t.ok()) return t.status();
  auto table = std::make_shared<OpenedTable>(*std::move(t));
  plan.tally = std::make_unique<ImportTally>(
      tty, "row", [table](absl::string_view field) {
        return table->converter->Describe(field);
      });
  plan.source = [table](int batch, ImportTally& tally,
                        const SendRecords& send) {
    ReadRows(*table->table, *table->converter, table->mapping, batch, tally,
             send);
  };
  return plan;
}

int CheckImport(const ClientOptions& options, const std::string& path,
                const std::string& mapping_path, absl::string_view record) {
  if (mapping_path.empty()) {
    std::cerr << "zwfw: --check needs --mapping (the dry run of an export)\n";
    return kExitUsage;
  }
  absl::StatusOr<OpenedTable> t =
      OpenExport(options, path, mapping_path, record);
  if (!t.ok()) {
    std::cerr << "zwfw: " << t.status().message() << "\n";
    return absl::IsUnavailable(t.status()) ? kExitCallFailed : kExitUsage;
  }
  const bool tty = isatty(STDERR_FILENO);
  CheckReport report =
      CheckRows(*t->table, *t->converter, t->mapping, [tty](int64_t rows) {
        if (tty)
          std::cerr << "\r\033[Kchecked " << rows << " rows" << std::flush;
      });
  if (tty) std::cerr << "\r\033[K";
  std::cout << FormatCheckReport(report, t->directory.get());
  return report.accepted == report.rows && report.read_error.empty()
             ? kExitOk
             : kExitRejected;
}

}  // namespace zwfw::cli
