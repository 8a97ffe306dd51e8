// seedgen: writes, as JSON lines for `zwfw cases import`, cases that
// reproduce the July 2020 Qijiang bulletin.
//   seedgen --directory deploy/demo/qijiang-directory.json > july2020.jsonl
#include <fstream>
#include <iostream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "tools/seedgen/reference_cases.h"

ABSL_FLAG(std::string, directory, "deploy/demo/qijiang-directory.json",
          "the directory file (proto JSON of zwfw.v1.DirectorySnapshot)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::ifstream in(absl::GetFlag(FLAGS_directory));
  std::stringstream text;
  text << in.rdbuf();
  zwfw::v1::DirectorySnapshot directory;
  if (!in || !google::protobuf::util::JsonStringToMessage(text.str(),
                                                          &directory)
                  .ok()) {
    std::cerr << "seedgen: cannot read " << absl::GetFlag(FLAGS_directory)
              << "\n";
    return 2;
  }
  auto cases = zwfw::seedgen::GenerateJuly2020Cases(directory);
  if (!cases.ok()) {
    std::cerr << "seedgen: " << cases.status() << "\n";
    return 1;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string line;
  for (const auto& c : *cases) {
    line.clear();
    (void)google::protobuf::util::MessageToJsonString(c, &line, options);
    std::cout << line << '\n';
  }
  return 0;
}
