// libFuzzer target: the files an office edits by hand — an import mapping,
// a calendar file, a token file, a directory snapshot — each parsed from
// the same bytes. The first byte picks the file (so one corpus covers
// all four). Nothing may crash, leak or trip UBSan; errors are statuses
// naming the line or field.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "tools/zwfw/table_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)zwfw::cli::ParseMapping(text);
      break;
    case 1: {
      auto calendar = zwfw::Calendar::FromFiles({{"2020.txt", text}});
      if (calendar.ok()) {
        (void)calendar->AddWorkingDays(absl::CivilDay(2020, 9, 30), 5);
        (void)calendar->EndOfWorkingDay(absl::FromUnixSeconds(1601431200), 5);
      }
      break;
    }
    case 2: {
      auto tokens = zwfw::TokenStore::FromContents(text);
      if (tokens.ok()) (void)(*tokens)->Authenticate("admin");
      break;
    }
    default: {
      zwfw::v1::DirectorySnapshot snapshot;
      if (google::protobuf::util::JsonStringToMessage(text, &snapshot).ok()) {
        auto index = zwfw::DirectoryIndex::Build(snapshot, 1);
        if (index.ok()) (void)(*index)->FindDepartment("区公安局");
      }
    }
  }
  return 0;
}
