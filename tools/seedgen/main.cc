// seedgen: writes, as JSON lines, records that reproduce the July 2020
// Qijiang bulletin:
//   seedgen > july2020.jsonl                 cases, for `zwfw cases import`
//   seedgen --what=visits > visits.jsonl     the 230 return visits, for
//                                            `zwfw visits import`
//   seedgen --format=csv --encoding=gbk > july.csv   the cases as an
//   seedgen --format=xlsx --out=july.xlsx            office's export
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tools/seedgen/export.h"
#include "tools/seedgen/reference_cases.h"

ABSL_FLAG(std::string, directory, "deploy/demo/qijiang-directory.json",
          "the directory file (proto JSON of zwfw.v1.DirectorySnapshot)");
ABSL_FLAG(std::string, what, "cases", "cases or visits");
ABSL_FLAG(std::string, format, "jsonl",
          "cases as jsonl, csv (an office's export; --encoding), or xlsx "
          "(--out)");
ABSL_FLAG(std::string, encoding, "utf-8", "csv: utf-8 or gbk");
ABSL_FLAG(std::string, out, "", "xlsx: the workbook to write");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
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
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto print = [&](const auto& records) {
    std::string line;
    for (const auto& r : records) {
      line.clear();
      (void)google::protobuf::util::MessageToJsonString(r, &line, options);
      std::cout << line << '\n';
    }
  };
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
