// libFuzzer target: the JSON-lines importer of the CLI (`zwfw cases|
// evaluations|visits import FILE.jsonl`): the input read as a file of
// proto-JSON records of the message the first byte picks, in batches of
// three. Nothing may crash, leak or trip UBSan; what cannot be read is a
// line the tally reports.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "tools/zwfw/jsonl_import.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const zwfw::v1::Case* const kCase = new zwfw::v1::Case();
  static const zwfw::v1::Evaluation* const kEvaluation =
      new zwfw::v1::Evaluation();
  static const zwfw::v1::ReturnVisit* const kVisit =
      new zwfw::v1::ReturnVisit();
  const google::protobuf::Message* prototypes[] = {kCase, kEvaluation, kVisit};
  std::istringstream in(
      std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  zwfw::cli::ImportTally tally(/*tty=*/false);
  int64_t records = 0;
  zwfw::cli::ReadJsonLines(
      in, *prototypes[data[0] % 3], 3, tally,
      [&records](std::vector<std::unique_ptr<google::protobuf::Message>> batch,
                 std::vector<int64_t> lines) {
        if (batch.size() != lines.size()) __builtin_trap();
        records += static_cast<int64_t>(batch.size());
        return true;
      });
  (void)tally.Summary();
  return 0;
}
