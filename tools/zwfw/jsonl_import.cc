#include "tools/zwfw/jsonl_import.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "tools/zwfw/commands.h"

namespace zwfw::cli {
namespace {

constexpr size_t kMaxLineBytes = 1 << 20;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void ImportTally::Unparsable(int64_t line, absl::string_view why) {
  std::lock_guard<std::mutex> lock(mu_);
  ++unparsable_;
  std::cerr << (tty_ ? "\r\033[K" : "") << unit_ << " " << line
            << ": json: " << why << "\n";
}

void ImportTally::Problem(absl::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  ++unparsable_;
  std::cerr << (tty_ ? "\r\033[K" : "") << text << "\n";
}

void ImportTally::Add(const zwfw::v1::RecordResult& r, int64_t line) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[std::clamp<int>(r.outcome(), 0, 4)];
  if (r.outcome() == zwfw::v1::RECORD_OUTCOME_REJECTED) {
    std::string where = describe_ ? describe_(r.field()) : "";
    std::cerr << (tty_ ? "\r\033[K" : "") << unit_ << " " << line << ": "
              << (r.field().empty() ? "record" : r.field())
              << (where.empty() ? "" : " " + where) << ": " << r.reason()
              << "\n";
  }
}

void ImportTally::Unanswered(int64_t records) {
  std::lock_guard<std::mutex> lock(mu_);
  unanswered_ += records;
}

void ImportTally::Progress(int64_t sent) {
  if (!tty_) return;
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowMs();
  if (now - last_progress_ms_ < 500) return;
  last_progress_ms_ = now;
  int64_t answered = 0;
  for (int64_t c : counts_) answered += c;
  std::cerr << "\r\033[K"
            << "sent " << sent << " records, " << answered << " answered"
            << std::flush;
}

std::string ImportTally::Summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out =
      absl::StrCat(tty_ ? "\r\033[K" : "", "accepted ",
                   counts_[zwfw::v1::RECORD_OUTCOME_ACCEPTED], ", updated ",
                   counts_[zwfw::v1::RECORD_OUTCOME_UPDATED], ", duplicate ",
                   counts_[zwfw::v1::RECORD_OUTCOME_DUPLICATE], ", rejected ",
                   counts_[zwfw::v1::RECORD_OUTCOME_REJECTED] + unparsable_);
  if (unanswered_ > 0) absl::StrAppend(&out, ", unanswered ", unanswered_);
  return out;
}

int64_t ImportTally::answered() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t answered = 0;
  for (int64_t c : counts_) answered += c;
  return answered;
}

int ImportTally::ExitCode() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (unanswered_ > 0) return kExitCallFailed;
  return counts_[zwfw::v1::RECORD_OUTCOME_REJECTED] + unparsable_ > 0
             ? kExitRejected
             : kExitOk;
}

void ReadJsonLines(std::istream& in, const google::protobuf::Message& prototype,
                   int batch_size, ImportTally& tally,
                   const std::function<bool(
                       std::vector<std::unique_ptr<google::protobuf::Message>>,
                       std::vector<int64_t>)>& send) {
  std::vector<std::unique_ptr<google::protobuf::Message>> records;
  std::vector<int64_t> lines;
  std::string line;
  int64_t line_no = 0;
  google::protobuf::util::JsonParseOptions parse;  // unknown fields: errors
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.size() > kMaxLineBytes) {
      tally.Unparsable(line_no, "longer than 1 MiB");
      continue;
    }
    std::unique_ptr<google::protobuf::Message> record(prototype.New());
    auto parsed =
        google::protobuf::util::JsonStringToMessage(line, record.get(), parse);
    if (!parsed.ok()) {
      tally.Unparsable(line_no, std::string(parsed.message()));
      continue;
    }
    records.push_back(std::move(record));
    lines.push_back(line_no);
    if (static_cast<int>(records.size()) >= batch_size) {
      if (!send(std::move(records), std::move(lines))) return;
      records.clear();
      lines.clear();
    }
  }
  if (!records.empty()) send(std::move(records), std::move(lines));
}

}  // namespace zwfw::cli
