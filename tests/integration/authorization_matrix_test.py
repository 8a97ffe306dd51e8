#!/usr/bin/env python3
"""Who may call what, in one table: every RPC of every zwfw service (read
from the protos' descriptors) and every HTTP route of the gateway (read from
its OpenAPI document, which it builds from the same descriptors) is called
with every kind of caller against the real servers, and the outcome must be
the table's. An RPC or route added without a row fails the test.

A call "passes" authorisation when its status is anything but
UNAUTHENTICATED or PERMISSION_DENIED (HTTP 401 or 403): the requests are
empty or nearly, so an allowed caller mostly meets INVALID_ARGUMENT or
NOT_FOUND, which is the point — the caller got past the check. Callers:
admin, service, viewer, office, department (own and other department), evaluator
(own and other window), channel, anonymous (no token), revoked (a token
removed from the file while the servers run), malformed (not a bearer
credential)."""
import hashlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory

import zwfw_testlib
from zwfw_testlib import new_token

ROLES = ("admin", "service", "viewer", "office", "department", "evaluator",
         "channel")
EVERYONE = set(ROLES)
READERS = {"admin", "service", "viewer", "office", "department"}

# The table: RPC -> the roles that pass its authorisation. Everyone else is
# PERMISSION_DENIED; anonymous, revoked and malformed callers are
# UNAUTHENTICATED everywhere.
MATRIX = {
    "zwfw.v1.CaseIntake/SubmitCases": {"admin", "service", "department"},
    "zwfw.v1.CaseIntake/UpsertCase": {"admin", "service", "department"},
    "zwfw.v1.CaseIntake/GetCase": {"admin", "service", "office",
                                   "department"},
    "zwfw.v1.CaseIntake/ListCases": {"admin", "service", "office",
                                     "department"},
    "zwfw.v1.CaseIntake/GetCaseStats": READERS,
    "zwfw.v1.CaseIntake/GetCaseSums": READERS,
    "zwfw.v1.CaseIntake/LookupCases": {"admin", "service"},
    "zwfw.v1.CaseIntake/ClosePeriod": {"admin", "service"},
    "zwfw.v1.Directory/ImportDirectory": {"admin"},
    "zwfw.v1.Directory/ListDepartments": EVERYONE,
    "zwfw.v1.Directory/ResolveDepartment": EVERYONE,
    "zwfw.v1.Directory/ListWindows": EVERYONE,
    "zwfw.v1.Directory/ListStaff": EVERYONE,
    "zwfw.v1.Directory/ListServiceItems": EVERYONE,
    # Departments pass the role check only to be told the rule by name.
    "zwfw.v1.Survey/SubmitEvaluations": {"admin", "service", "evaluator",
                                         "channel"},
    "zwfw.v1.Survey/RecordReturnVisits": {"admin", "service"},
    "zwfw.v1.Survey/ListRectifications": {"admin", "service", "office",
                                          "department"},
    "zwfw.v1.Survey/ListEvaluations": {"admin", "service", "office",
                                       "department"},
    "zwfw.v1.Survey/ListReturnVisits": {"admin", "service", "office",
                                        "department"},
    "zwfw.v1.Survey/UpdateRectification": {"admin", "department"},
    "zwfw.v1.Survey/GetSatisfactionStats": READERS,
    "zwfw.v1.Survey/ClosePeriod": {"admin", "service"},
    "zwfw.v1.Scoring/GetRules": READERS,
    "zwfw.v1.Scoring/SetRules": {"admin"},
    "zwfw.v1.Scoring/AddAdjustment": {"admin"},
    "zwfw.v1.Scoring/ListAdjustments": {"admin", "service"},
    "zwfw.v1.Scoring/RemoveAdjustment": {"admin"},
    "zwfw.v1.Scoring/ComputeScorecard": READERS,
    "zwfw.v1.Scoring/SetAwards": {"admin"},
    "zwfw.v1.Scoring/FreezeScorecard": {"admin", "service"},
    "zwfw.v1.Scoring/GetScorecard": READERS,
    "zwfw.v1.Bulletin/GetIndicators": READERS,
    "zwfw.v1.Bulletin/SetTemplate": {"admin"},
    "zwfw.v1.Bulletin/GetTemplate": READERS,
    "zwfw.v1.Bulletin/GetDraft": {"admin"},
    "zwfw.v1.Bulletin/UpdateDraft": {"admin"},
    "zwfw.v1.Bulletin/Render": {"admin", "service"},
    "zwfw.v1.Bulletin/Publish": {"admin"},
    "zwfw.v1.Bulletin/GetPublished": READERS | {"evaluator"},
    "zwfw.v1.Bulletin/ListPublished": READERS | {"evaluator"},
    # Served by every server: the data versions caches follow, and its own
    # audit trail.
    "zwfw.v1.Changes/Watch": {"admin", "service"},
    "zwfw.v1.Audit/ListAudit": {"admin"},
    "zwfw.v1.Audit/VerifyAudit": {"admin"},
}

# Where a department or a window device may act only on its own: the
# request naming its own, then another's, and the outcome for each
# (code names; "record:" is the first record's result).
SCOPED = [
    ("department", "zwfw.v1.CaseIntake/GetCase",
     {"department_code": "qj-gaj", "case_no": "none"},
     {"department_code": "qj-swj", "case_no": "none"},
     "NOT_FOUND", "PERMISSION_DENIED"),
    ("department", "zwfw.v1.CaseIntake/ListCases",
     {"department_code": "qj-gaj"}, {"department_code": "qj-swj"},
     "OK", "PERMISSION_DENIED"),
    ("department", "zwfw.v1.Survey/ListRectifications",
     {"department_code": "qj-gaj"}, {"department_code": "qj-swj"},
     "OK", "PERMISSION_DENIED"),
    # The office reads every department's records.
    ("office", "zwfw.v1.CaseIntake/ListCases",
     {"department_code": "qj-gaj"}, {"department_code": "qj-swj"},
     "OK", "OK"),
    ("department", "zwfw.v1.CaseIntake/UpsertCase",
     {"case": {"department_code": "qj-gaj", "case_no": "m-1",
               "category": "ITEM_CATEGORY_APPROVAL",
               "site": "HANDLING_SITE_CENTER",
               "status": "CASE_STATUS_ACCEPTED",
               "accepted_at": "2020-07-01T02:00:00Z"}},
     {"case": {"department_code": "qj-swj", "case_no": "m-1",
               "category": "ITEM_CATEGORY_APPROVAL",
               "site": "HANDLING_SITE_CENTER",
               "status": "CASE_STATUS_ACCEPTED",
               "accepted_at": "2020-07-01T02:00:00Z"}},
     "OK", "PERMISSION_DENIED"),
    ("evaluator", "zwfw.v1.Survey/SubmitEvaluations",
     {"evaluations": [{"evaluation_id": "m-own", "window_code": "qj-w01",
                       "rating": 5, "channel": "EVALUATION_CHANNEL_WINDOW_DEVICE",
                       "evaluated_at": "2020-07-01T03:00:00Z"}]},
     {"evaluations": [{"evaluation_id": "m-other", "window_code": "qj-w03",
                       "rating": 5, "channel": "EVALUATION_CHANNEL_WINDOW_DEVICE",
                       "evaluated_at": "2020-07-01T03:00:00Z"}]},
     "record:ACCEPTED", "record:PERMISSION_DENIED"),
]

# The gateway's own routes (not RPCs): who may use them.
OWN_ROUTES = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/"): "public",
    ("GET", "/static/dashboard.js"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/metrics"): {"admin", "service"},
}

DENIED = ("UNAUTHENTICATED", "PERMISSION_DENIED")


class AuthorizationMatrixTest(zwfw_testlib.ServicesTestCase):

    def descriptors(self):
        """The zwfw.v1 descriptors, as protoc reads the protos."""
        out = os.path.join(self.dir, "zwfw.desc")
        protos = os.path.join(zwfw_testlib.SOURCE_DIR, "protos")
        files = sorted(os.path.join(protos, "zwfw/v1", f)
                       for f in os.listdir(os.path.join(protos, "zwfw/v1"))
                       if f.endswith(".proto"))
        subprocess.run(["protoc", "-I", protos, "-I", "/usr/include",
                        "--include_imports", "--descriptor_set_out=" + out,
                        *files], check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
        pool = descriptor_pool.DescriptorPool()
        for fd in fds.file:
            pool.Add(fd)
        factory = message_factory.MessageFactory(pool)

        def message_class(name):
            return factory.GetPrototype(
                pool.FindMessageTypeByName(name.lstrip(".")))
        methods = {}
        for fd in fds.file:
            if fd.package != "zwfw.v1":
                continue
            for service in fd.service:
                for m in service.method:
                    methods["zwfw.v1.%s/%s" % (service.name, m.name)] = (
                        message_class(m.input_type),
                        message_class(m.output_type),
                        m.client_streaming, m.server_streaming)
        return methods

    def call(self, address, rpc, token, request):
        """The status code name of one call, or for SubmitEvaluations with
        records, 'record:' and the first record's outcome."""
        request_class, response_class, client_stream, server_stream = \
            self.methods[rpc]
        message = json_format.ParseDict(request or {}, request_class())
        self.calls += 1
        metadata = [] if token is None else [("authorization", token)]
        channel = self.channels.setdefault(
            address, grpc.insecure_channel(address))
        path = "/" + rpc
        serialize = lambda m: m.SerializeToString()
        deserialize = response_class.FromString
        try:
            if client_stream and server_stream:
                call = channel.stream_stream(path, serialize, deserialize)
                for _ in call(iter([message]), metadata=metadata, timeout=5):
                    pass
            elif server_stream:
                call = channel.unary_stream(path, serialize, deserialize)
                stream = call(message, metadata=metadata, timeout=1)
                next(stream, None)  # a first message: it was allowed
                stream.cancel()
            else:
                call = channel.unary_unary(path, serialize, deserialize)
                response = call(message, metadata=metadata, timeout=10)
                if rpc.endswith("/SubmitEvaluations") and response.results:
                    r = response.results[0]
                    return "record:" + ("ACCEPTED" if r.outcome == 1 else
                                        self.code_names[r.code])
            return "OK"
        except grpc.RpcError as e:
            return e.code().name

    def http(self, verb, path, token):
        self.calls += 1
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.gateway.port, path),
            method=verb, data=b"{}" if verb == "POST" else None,
            headers={"Content-Type": "application/json"})
        if token is not None:
            request.add_header("Authorization", token)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def test_every_rpc_and_route_by_every_caller(self):
        self.methods = self.descriptors()
        self.channels = {}
        self.calls = 0
        self.code_names = {c.value[0]: c.name for c in grpc.StatusCode}
        # Every RPC has a row, and every row an RPC.
        self.assertEqual(sorted(self.methods), sorted(MATRIX))

        servers, peers = self.start_services()
        zwfw_testlib.zwfw(peers[0], "directory", "import",
                          zwfw_testlib.demo_directory(), token=self.admin,
                          check=0)
        self.gateway = self.start("gateway/gateway_server",
                                  [*peers, "--rate_limit_per_minute=0",
                                   "--invalid_token_limit_per_minute=0"])
        bearer = lambda t: "Bearer " + t
        with open(self.service_token_file) as f:
            service = f.read().strip()
        callers = {
            "admin": bearer(self.admin),
            "service": bearer(service),
            "viewer": bearer(self.viewer),
            "office": bearer(new_token(self.tokens, "office")),
            "department": bearer(new_token(self.tokens, "department:qj-gaj")),
            "evaluator": bearer(new_token(self.tokens, "evaluator:qj-w01")),
            "channel": bearer(new_token(self.tokens, "channel:online")),
        }
        # Revoked: issued, seen to work, then removed from the file.
        revoked = new_token(self.tokens, "admin")
        time.sleep(0.6)  # the servers re-read the file twice a second
        for server in servers.values():
            self.assertNotIn(self.call(server.address, "zwfw.v1.Changes/Watch",
                                       bearer(revoked), {}), DENIED)
        digest = hashlib.sha256(revoked.encode()).hexdigest()
        with open(self.tokens) as f:
            lines = [l for l in f if not l.startswith(digest)]
        with open(self.tokens, "w") as f:
            f.writelines(lines)
        time.sleep(0.6)
        unauthenticated = {"anonymous": None, "revoked": bearer(revoked),
                           "malformed": "Basic YWRtaW46YWRtaW4="}

        host = {"CaseIntake": "intake", "Directory": "intake",
                "Survey": "survey", "Scoring": "scoring",
                "Bulletin": "bulletin"}
        failures = []
        # Own and other first, while July is open and the directory whole.
        for role, rpc, own, other, own_expected, other_expected in SCOPED:
            address = servers[host[rpc.split(".")[2].split("/")[0]]].address
            got_own = self.call(address, rpc, callers[role], own)
            got_other = self.call(address, rpc, callers[role], other)
            if (got_own, got_other) != (own_expected, other_expected):
                failures.append("%s as %s: own %s, other %s" % (
                    rpc, role, got_own, got_other))

        with open(zwfw_testlib.demo_directory(), encoding="utf-8") as f:
            # Re-importing the same directory changes nothing.
            requests = {"zwfw.v1.Directory/ImportDirectory":
                        {"snapshot": json.load(f)}}
        for rpc, allowed in sorted(MATRIX.items()):
            service_name = rpc.split(".")[2].split("/")[0]
            addresses = ([s.address for s in servers.values()]
                         if service_name in ("Changes", "Audit")
                         else [servers[host[service_name]].address])
            for address in addresses:
                request = requests.get(rpc, {})
                for role in ROLES:
                    got = self.call(address, rpc, callers[role], request)
                    ok = got not in DENIED
                    if ok != (role in allowed) or (
                            not ok and got != "PERMISSION_DENIED"):
                        failures.append("%s %s at %s: %s" % (
                            rpc, role, address, got))
                for who, token in unauthenticated.items():
                    got = self.call(address, rpc, token, request)
                    if got != "UNAUTHENTICATED":
                        failures.append("%s %s: %s" % (rpc, who, got))

        # Every HTTP route: the RPC's row, through the gateway.
        with urllib.request.urlopen(
                "http://127.0.0.1:%d/api/v1/openapi.json" % self.gateway.port,
                timeout=10) as r:
            api = json.load(r)
        routes = 0
        for template, operations in api["paths"].items():
            path = (template.replace("{period}", "2020-07")
                    .replace("{department_code}", "qj-gaj")
                    .replace("{case_no}", "none")
                    .replace("{evaluation_id}", "none")
                    .replace("{name}", "none"))
            self.assertNotIn("{", path, template)
            for verb, op in operations.items():
                rpc = "zwfw.v1.%s/%s" % tuple(
                    op["summary"][len("zwfw.v1."):].split(".", 1))
                self.assertIn(rpc, MATRIX, template)
                routes += 1
                allowed = MATRIX[rpc]
                for role in ROLES:
                    got = self.http(verb.upper(), path, callers[role])
                    ok = got not in (401, 403)
                    if ok != (role in allowed) or (not ok and got != 403):
                        failures.append("%s %s as %s: %d" % (
                            verb.upper(), template, role, got))
                for who, token in unauthenticated.items():
                    got = self.http(verb.upper(), path, token)
                    if got != 401:
                        failures.append("%s %s %s: %d" % (
                            verb.upper(), template, who, got))
        self.assertGreater(routes, 20)
        for (verb, path), allowed in OWN_ROUTES.items():
            for role in ROLES:
                got = self.http(verb, path, callers[role])
                ok = got not in (401, 403)
                if ok != (allowed == "public" or role in allowed):
                    failures.append("%s %s as %s: %d" % (verb, path, role,
                                                          got))
            got = self.http(verb, path, None)
            if (got not in (401, 403)) != (allowed == "public"):
                failures.append("%s %s anonymous: %d" % (verb, path, got))
        print("%d RPCs, %d routes, %d calls checked" % (
            len(MATRIX), routes + len(OWN_ROUTES), self.calls))
        self.assertEqual(failures, [])


if __name__ == "__main__":
    zwfw_testlib.main()
