// Imports of JSON-lines files (`zwfw cases import`, `evaluations import`,
// `visits import`): reading proto-JSON records a line at a time in batches,
// and the tally every import prints:
//
//   line 12: accepted_at: is missing          (stderr, one per rejected line)
//   accepted 998, updated 0, duplicate 1, rejected 1
//
// Exit code: 0 when nothing was rejected, 3 otherwise.
#ifndef ZWFW_TOOLS_ZWFW_JSONL_IMPORT_H_
#define ZWFW_TOOLS_ZWFW_JSONL_IMPORT_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <istream>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "zwfw/v1/common.pb.h"

namespace zwfw::cli {

// Counts outcomes and reports rejected lines. Thread-safe.
class ImportTally {
 public:
  // On a terminal, progress is shown and rejected lines clear it first.
  // `unit` names where a record came from ("line", "row"); `describe`
  // shows a rejected field against the file ("受理时间 (column C)").
  explicit ImportTally(
      bool tty, std::string unit = "line",
      std::function<std::string(absl::string_view field)> describe = nullptr)
      : tty_(tty), unit_(std::move(unit)), describe_(std::move(describe)) {}

  void Unparsable(int64_t line, absl::string_view why);
  // A record that could not be read from the file, said in full.
  void Problem(absl::string_view text);
  // One record's result; `line` is where it came from.
  void Add(const zwfw::v1::RecordResult& result, int64_t line);
  // Records sent but never answered (a call failed).
  void Unanswered(int64_t records);
  // "\r" progress line on a terminal, at most twice a second.
  void Progress(int64_t sent);

  // "accepted N, updated N, duplicate N, rejected N".
  std::string Summary() const;
  int64_t answered() const;
  int ExitCode() const;

 private:
  const bool tty_;
  const std::string unit_;
  const std::function<std::string(absl::string_view)> describe_;
  mutable std::mutex mu_;
  int64_t counts_[5] = {0, 0, 0, 0, 0};  // by RecordOutcome
  int64_t unparsable_ = 0;
  int64_t unanswered_ = 0;
  int64_t last_progress_ms_ = 0;
};

// Where records come from: calls `send(records, line_numbers)` for every
// `batch_size` records (and once more for the rest), reporting what it
// cannot read to the tally; stops early when `send` returns false.
using SendRecords =
    std::function<bool(std::vector<std::unique_ptr<google::protobuf::Message>>,
                       std::vector<int64_t>)>;
using RecordSource = std::function<void(int batch_size, ImportTally& tally,
                                        const SendRecords& send)>;

// Reads `in` as JSON lines of the message `prototype` is, calling
// `send(records, line_numbers)` for every `batch_size` parsed records (and
// once more for the rest). Blank lines are skipped; unparsable lines (or
// lines over 1 MiB) go to `tally`. Stops early when `send` returns false.
void ReadJsonLines(std::istream& in, const google::protobuf::Message& prototype,
                   int batch_size, ImportTally& tally,
                   const std::function<bool(
                       std::vector<std::unique_ptr<google::protobuf::Message>>,
                       std::vector<int64_t>)>& send);

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_JSONL_IMPORT_H_
