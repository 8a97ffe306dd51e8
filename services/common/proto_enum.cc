#include "services/common/proto_enum.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace zwfw {

const google::protobuf::EnumValueDescriptor* FindEnumValue(
    const google::protobuf::EnumDescriptor* type, absl::string_view text) {
  if (const auto* exact = type->FindValueByName(std::string(text))) {
    return exact;
  }
  // BulletinFormat -> BULLETIN_FORMAT_
  std::string prefix;
  for (char c : type->name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) {
      prefix += '_';
    }
    prefix += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return type->FindValueByName(
      absl::StrCat(prefix, "_", absl::AsciiStrToUpper(text)));
}

}  // namespace zwfw
