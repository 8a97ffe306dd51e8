// Enum values by the names people type. Every zwfw enum value is prefixed
// with its enum's name (BULLETIN_FORMAT_PDF of BulletinFormat), so "pdf",
// "PDF" and "BULLETIN_FORMAT_PDF" all name the same value.
#ifndef ZWFW_SERVICES_COMMON_PROTO_ENUM_H_
#define ZWFW_SERVICES_COMMON_PROTO_ENUM_H_

#include <google/protobuf/descriptor.h>

#include "absl/strings/string_view.h"

namespace zwfw {

// The value named `text` (its full name, or case-insensitively the part
// after the enum's prefix); null when none is.
const google::protobuf::EnumValueDescriptor* FindEnumValue(
    const google::protobuf::EnumDescriptor* type, absl::string_view text);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PROTO_ENUM_H_
