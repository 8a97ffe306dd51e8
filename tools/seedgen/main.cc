// seedgen: writes, as JSON lines, records that reproduce the July 2020
// Qijiang bulletin:
//   seedgen > july2020.jsonl                 cases, for `zwfw cases import`
//   seedgen --what=visits > visits.jsonl     the 230 return visits, for
//                                            `zwfw visits import`
//   seedgen --format=csv --encoding=gbk > july.csv   the cases as an
//   seedgen --format=xlsx --out=july.xlsx            office's export
// and those of other offices' bulletins (office_records.h):
//   seedgen --office=fangchenggang --what=directory > directory.json
//   seedgen --office=fangchenggang > cases.jsonl
//   seedgen --office=yongchang --what=evaluations > ratings.jsonl
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "services/common/calendar.h"
#include "tools/seedgen/export.h"
#include "tools/seedgen/office_records.h"
#include "tools/seedgen/reference_cases.h"

ABSL_FLAG(std::string, directory, "deploy/demo/qijiang-directory.json",
          "the directory file (proto JSON of zwfw.v1.DirectorySnapshot)");
ABSL_FLAG(std::string, what, "cases",
          "cases or visits (qijiang); directory, cases or evaluations "
          "(fangchenggang, yongchang)");
ABSL_FLAG(std::string, office, "qijiang",
          "qijiang (July 2020), fangchenggang (February and March 2011) or "
          "yongchang (2023-Q2)");
ABSL_FLAG(std::string, calendar_dir, "deploy/calendar",
          "the working-day calendar (fangchenggang, yongchang)");
ABSL_FLAG(std::string, format, "jsonl",
          "cases as jsonl, csv (an office's export; --encoding), or xlsx "
          "(--out)");
ABSL_FLAG(std::string, encoding, "utf-8", "csv: utf-8 or gbk");
ABSL_FLAG(std::string, out, "", "xlsx: the workbook to write");

namespace {

void PrintJsonLines(const auto& records) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string line;
  for (const auto& r : records) {
    line.clear();
    (void)google::protobuf::util::MessageToJsonString(r, &line, options);
    std::cout << line << '\n';
  }
}

// Another office's records (office_records.h).
int RunOffice(const std::string& office) {
  absl::StatusOr<zwfw::Calendar> calendar =
      zwfw::Calendar::LoadDirectory(absl::GetFlag(FLAGS_calendar_dir));
  if (!calendar.ok()) {
    std::cerr << "seedgen: " << calendar.status() << "\n";
    return 2;
  }
  absl::StatusOr<zwfw::seedgen::OfficeRecords> records =
      office == "fangchenggang" ? zwfw::seedgen::Fangchenggang2011(*calendar)
                                : zwfw::seedgen::Yongchang2023(*calendar);
  if (!records.ok()) {
    std::cerr << "seedgen: " << records.status() << "\n";
    return 1;
  }
  const std::string what = absl::GetFlag(FLAGS_what);
  if (what == "directory") {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.add_whitespace = true;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(records->directory, &json,
                                                      options);
    std::cout << json;
  } else if (what == "cases") {
    PrintJsonLines(records->cases);
  } else if (what == "evaluations") {
    PrintJsonLines(records->evaluations);
  } else {
    std::cerr << "seedgen: --what must be directory, cases or evaluations\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string office = absl::GetFlag(FLAGS_office);
  if (office == "fangchenggang" || office == "yongchang") {
    return RunOffice(office);
  }
  if (office != "qijiang") {
    std::cerr << "seedgen: --office must be qijiang, fangchenggang or "
                 "yongchang\n";
    return 2;
  }
  std::ifstream in(absl::GetFlag(FLAGS_directory));
  std::stringstream text;
  text << in.rdbuf();
  zwfw::v1::DirectorySnapshot directory;
  if (!in ||
      !google::protobuf::util::JsonStringToMessage(text.str(), &directory)
           .ok()) {
    std::cerr << "seedgen: cannot read " << absl::GetFlag(FLAGS_directory)
              << "\n";
    return 2;
  }
  auto print = [](const auto& records) { PrintJsonLines(records); };
  const std::string what = absl::GetFlag(FLAGS_what);
  if (what == "visits") {
    auto cases = zwfw::seedgen::GenerateJuly2020Cases(directory);
    if (!cases.ok()) {
      std::cerr << "seedgen: " << cases.status() << "\n";
      return 1;
    }
    print(zwfw::seedgen::July2020ReturnVisits(*cases));
    return 0;
  }
  if (what != "cases") {
    std::cerr << "seedgen: --what must be cases or visits\n";
    return 2;
  }
  auto cases = zwfw::seedgen::GenerateJuly2020Cases(directory);
  if (!cases.ok()) {
    std::cerr << "seedgen: " << cases.status() << "\n";
    return 1;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  absl::Status written;
  if (format == "csv") {
    written = zwfw::seedgen::WriteCasesCsv(
        *cases, directory, absl::GetFlag(FLAGS_encoding), std::cout);
  } else if (format == "xlsx") {
    if (absl::GetFlag(FLAGS_out).empty()) {
      std::cerr << "seedgen: --format=xlsx needs --out=FILE.xlsx\n";
      return 2;
    }
    written = zwfw::seedgen::WriteCasesXlsx(*cases, directory,
                                            absl::GetFlag(FLAGS_out));
  } else if (format == "jsonl") {
    print(*cases);
  } else {
    std::cerr << "seedgen: --format must be jsonl, csv or xlsx\n";
    return 2;
  }
  if (!written.ok()) {
    std::cerr << "seedgen: " << written << "\n";
    return 1;
  }
  return 0;
}
