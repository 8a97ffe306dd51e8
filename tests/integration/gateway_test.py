#!/usr/bin/env python3
"""The gateway in front of the real intake, survey, scoring and bulletin
servers: routes declared on the RPCs, JSON both ways, the caller's token
forwarded (a department reads only its own through the gateway too),
gRPC codes mapped to HTTP statuses, documents with their media type."""
import http.client
import json
import os
import urllib.error
import urllib.request

import zwfw_testlib
from zwfw_testlib import new_token, zwfw, demo_directory


class GatewayTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.police = new_token(self.tokens, "department:qj-gaj")

    def http(self, method, path, token=None, body=None):
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.gateway.port, path),
            method=method, data=body.encode() if body is not None else None)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def test_routes_auth_errors_and_documents(self):
        servers, peers = self.start_services()
        intake, scoring, bulletin = (servers["intake"], servers["scoring"],
                                     servers["bulletin"])
        self.gateway = self.start("gateway/gateway_server",
                                  peers + ["--rate_limit_per_minute=60",
                                           "--invalid_token_limit_per_minute=8"])
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)

        # A large body is not read before its token is checked: without
        # one, or with an unknown one, it is refused unread.
        big = json.dumps({"cases": [], "pad": "x" * 200000})
        status, _, body = self.http("POST", "/v1/cases:batch", body=big)
        self.assertEqual(status, 401, body)
        self.assertIn("checked before the body is read",
                      json.loads(body)["message"])

        status, _, body = self.http("GET", "/healthz")
        self.assertEqual((status, json.loads(body)["status"]), (200, "SERVING"))
        status, _, body = self.http("GET", "/readyz")
        self.assertEqual((status, json.loads(body)["status"]), (200, "READY"))

        # Case submission and lookup over HTTP, by a department.
        case = {"case": {"department_code": "区公安局", "case_no": "web-1",
                         "category": "ITEM_CATEGORY_APPROVAL",
                         "site": "HANDLING_SITE_CENTER",
                         "status": "CASE_STATUS_ACCEPTED",
                         "accepted_at": "2020-07-10T02:00:00Z"}}
        status, _, body = self.http("POST", "/v1/cases", self.police,
                                    json.dumps(case))
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["result"]["outcome"],
                         "RECORD_OUTCOME_ACCEPTED")
        status, _, body = self.http(
            "GET", "/v1/departments/%E5%8C%BA%E5%85%AC%E5%AE%89%E5%B1%80"
            "/cases/web-1", self.police)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["case"]["department_code"], "qj-gaj")

        # A batch of cases, answered by its ack.
        batch = {"batch_id": "7", "cases": [
            dict(case["case"], case_no="web-batch-1"),
            dict(case["case"], case_no="web-batch-2", site="nowhere")]}
        status, _, body = self.http("POST", "/v1/cases:batch", self.police,
                                    json.dumps(batch))
        self.assertEqual(status, 400)  # an unknown enum value in the JSON
        batch["cases"][1]["site"] = "HANDLING_SITE_GRASSROOTS"
        batch["cases"][1]["accepted_at"] = "2099-01-01T00:00:00Z"
        status, _, body = self.http("POST", "/v1/cases:batch", self.police,
                                    json.dumps(batch))
        self.assertEqual(status, 200, body)
        ack = json.loads(body)
        self.assertEqual(ack["batch_id"], "7")
        self.assertEqual([r["outcome"] for r in ack["results"]],
                         ["RECORD_OUTCOME_ACCEPTED", "RECORD_OUTCOME_REJECTED"])
        self.assertEqual(ack["results"][1]["field"], "accepted_at")

        # The department's token reaches no further through the gateway.
        tax = dict(case["case"], department_code="qj-swj", case_no="web-2")
        status, _, body = self.http("POST", "/v1/cases", self.police,
                                    json.dumps({"case": tax}))
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["code"], "PERMISSION_DENIED")
        status, _, _ = self.http("GET", "/v1/cases?department_code=qj-swj",
                                 self.police)
        self.assertEqual(status, 403)

        # Stats by period, as proto JSON, with an ETag.
        status, headers, body = self.http(
            "GET", "/v1/periods/2020-07/case-stats", self.viewer)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        stats = json.loads(body)
        self.assertEqual(stats["approval_total"]["total"], "2")
        self.assertEqual(len(stats["departments"]), 34)
        etag = headers["ETag"]
        request = urllib.request.Request(
            "http://127.0.0.1:%d/v1/periods/2020-07/case-stats"
            % self.gateway.port,
            headers={"Authorization": "Bearer " + self.viewer,
                     "If-None-Match": etag})
        with self.assertRaises(urllib.error.HTTPError) as not_modified:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(not_modified.exception.code, 304)

        # A 10-MB body is refused from its headers, before it is read.
        conn = http.client.HTTPConnection("127.0.0.1", self.gateway.port,
                                          timeout=10)
        conn.putrequest("POST", "/v1/evaluations")
        conn.putheader("Authorization", "Bearer " + self.admin)
        conn.putheader("Content-Length", str(10 << 20))
        conn.endheaders()
        response = conn.getresponse()
        self.assertEqual(response.status, 413)
        self.assertEqual(json.loads(response.read())["code"],
                         "RESOURCE_EXHAUSTED")
        conn.close()

        # Errors: no token, unknown token, unknown JSON field, bad period,
        # unknown route, wrong verb, a bad query parameter.
        status, headers, body = self.http("GET",
                                          "/v1/periods/2020-07/case-stats")
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["code"], "UNAUTHENTICATED")
        self.assertEqual(self.http("GET", "/v1/departments", "zwfw_x")[0], 401)
        status, _, body = self.http("POST", "/v1/evaluations", self.admin,
                                    '{"evaluationz": []}')
        self.assertEqual(status, 400)
        self.assertIn("evaluationz", json.loads(body)["message"])
        status, _, body = self.http("GET", "/v1/periods/2020-13/case-stats",
                                    self.viewer)
        self.assertEqual(status, 400)
        self.assertIn("2020-13", json.loads(body)["message"])
        self.assertEqual(self.http("GET", "/v1/nowhere", self.viewer)[0], 404)
        self.assertEqual(self.http("DELETE", "/v1/departments",
                                   self.viewer)[0], 405)
        status, _, body = self.http("GET", "/v1/cases?colour=red", self.admin)
        self.assertEqual(status, 400)
        self.assertIn("colour", json.loads(body)["message"])

        # A rendered document keeps its media type and gets a file name.
        status, headers, body = self.http(
            "GET", "/v1/periods/2020-07/bulletin?format=pdf", self.admin)
        self.assertEqual(status, 409)  # no scoring rules yet: a refusal
        zwfw("--scoring=" + scoring.address, "rules", "set",
             os.path.join(zwfw_testlib.SOURCE_DIR,
                          "deploy/scoring/default-rules.json"),
             token=self.admin, check=0)
        status, headers, body = self.http(
            "GET", "/v1/periods/2020-07/bulletin?format=pdf", self.admin)
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["Content-Type"], "application/pdf")
        self.assertIn('filename="bulletin-2020-07.pdf"',
                      headers["Content-Disposition"])
        self.assertTrue(body.startswith(b"%PDF"))
        status, _, _ = self.http(
            "GET", "/v1/periods/2020-07/bulletin?format=docx", self.admin)
        self.assertEqual(status, 400)

        # Rate limits per caller: 429 with Retry-After; others go on.
        statuses = [self.http("GET", "/v1/departments", self.police)[0]
                    for _ in range(62)]
        self.assertIn(429, statuses)
        status, headers, _ = self.http("GET", "/v1/departments", self.police)
        self.assertEqual(status, 429)
        self.assertGreater(int(headers["Retry-After"]), 0)
        self.assertEqual(self.http("GET", "/v1/departments", self.viewer)[0],
                         200)

        # A backend down is a 503 naming it, and the gateway is not ready.
        self.assertEqual(bulletin.terminate(), 0)
        status, _, body = self.http(
            "GET", "/v1/periods/2020-07/bulletin?format=text", self.admin)
        self.assertEqual(status, 503)
        self.assertIn("bulletin at", json.loads(body)["message"])
        status, _, body = self.http("GET", "/readyz")
        self.assertEqual(status, 503)
        self.assertIn("bulletin", json.loads(body)["message"])
        # Metrics by route and status; the OpenAPI document from the routes.
        # Each server's audit trail, admin only, through the gateway.
        status, _, body = self.http("GET", "/v1/servers/intake/audit:verify",
                                    self.admin)
        self.assertEqual(status, 200, body)
        self.assertTrue(json.loads(body)["intact"])
        self.assertGreater(int(json.loads(body)["entries"]), 0)
        status, _, body = self.http("GET", "/v1/servers/intake/audit",
                                    self.admin)
        self.assertIn("ImportDirectory", body.decode())
        self.assertEqual(self.http("GET", "/v1/servers/intake/audit",
                                   self.viewer)[0], 403)
        self.assertEqual(self.http("GET", "/metrics")[0], 401)
        self.assertEqual(self.http("GET", "/metrics", self.viewer)[0], 403)
        status, _, body = self.http("GET", "/metrics", self.admin)
        metrics = body.decode()
        self.assertEqual(status, 200)
        self.assertIn('zwfw_http_requests_total{route="GET /v1/periods/'
                      '{period}/case-stats",status="200"}', metrics)
        self.assertIn('status="429"', metrics)
        self.assertIn("zwfw_http_request_duration_seconds_bucket", metrics)
        status, _, body = self.http("GET", "/api/v1/openapi.json")
        api = json.loads(body)
        self.assertEqual(api["openapi"], "3.0.3")
        stats = api["paths"]["/v1/periods/{period}/case-stats"]["get"]
        self.assertEqual(stats["parameters"][0]["name"], "period")
        self.assertIn("requestBody", api["paths"]["/v1/cases"]["post"])

        # The request log names routes and callers, never tokens.
        logs = self.gateway.logs()
        self.assertIn('"route":"GET /v1/periods/{period}/case-stats"', logs)
        for token in (self.admin, self.police, self.viewer):
            self.assertNotIn(token, logs)
        # Guessing tokens is slowed down by client address: 8 unknown
        # tokens a minute (some spent above), then 429 with Retry-After,
        # before any service is asked.
        codes = [self.http("GET", "/v1/departments", "zwfw_guess%d" % i)[0]
                 for i in range(9)]
        self.assertIn(429, codes)
        first = codes.index(429)
        self.assertEqual(set(codes[:first]), {401})
        self.assertEqual(set(codes[first:]), {429})
        _, headers, _ = self.http("GET", "/v1/departments", "zwfw_guess")
        self.assertIn("Retry-After", headers)
        # A known token is not held back by another's guesses.
        self.assertEqual(self.http("GET", "/v1/departments", self.admin)[0],
                         200)
        self.assertEqual(self.gateway.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()
