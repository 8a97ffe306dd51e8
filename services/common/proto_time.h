// Conversions between google.protobuf.Timestamp and absl::Time, and the
// range of instants zwfw accepts.
#ifndef ZWFW_SERVICES_COMMON_PROTO_TIME_H_
#define ZWFW_SERVICES_COMMON_PROTO_TIME_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace zwfw {

absl::Time ToTime(const google::protobuf::Timestamp& t);
google::protobuf::Timestamp ToProto(absl::Time t);

// Set (not the zero timestamp).
inline bool HasTime(const google::protobuf::Timestamp& t) {
  return t.seconds() != 0 || t.nanos() != 0;
}

// From 2000 to 2100, nanos in range.
bool ValidTimestamp(const google::protobuf::Timestamp& t);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PROTO_TIME_H_
