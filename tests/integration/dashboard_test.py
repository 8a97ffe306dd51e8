#!/usr/bin/env python3
"""The dashboard in a real browser: the four services and the gateway
(with --anonymous_viewer) as real processes, the July 2020 demo loaded
through the APIs, the page opened in headless Chromium until its charts are
drawn; the July 2020 figures must be on the page. The screenshot is kept as
a test artifact in the build tree (test-artifacts/dashboard-2020-07.png)."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import zwfw_testlib


class DashboardTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.viewer_token_file = os.path.join(self.dir, "viewer.token")
        with open(self.viewer_token_file, "w") as f:
            f.write(self.viewer)

    def get(self, path, headers=False):
        try:
            with urllib.request.urlopen(
                    "http://127.0.0.1:%d%s" % (self.gateway.port, path),
                    timeout=30) as r:
                return (r.status, r.read(), r.headers) if headers else \
                    (r.status, r.read())
        except urllib.error.HTTPError as e:
            return (e.code, e.read(), e.headers) if headers else \
                (e.code, e.read())

    def test_the_dashboard_shows_july_2020(self):
        _, peers = self.start_services()
        self.gateway = self.start("gateway/gateway_server", peers + [
            "--anonymous_viewer",
            "--viewer_token_file=" + self.viewer_token_file])
        self.load_demo(peers)

        # Anonymous: aggregates yes; cases and drafts never.
        status, body = self.get("/v1/periods/2020-07/case-stats")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["approval_total"]["total"], "67354")
        self.assertEqual(self.get("/v1/cases")[0], 401)
        self.assertEqual(self.get("/v1/periods/2020-07/draft")[0], 401)
        self.assertEqual(self.get("/v1/periods/2020-07/bulletin?format=text")[0],
                         401)
        # The scorecard, with its provisional tiers, only once published
        # (scorecard_views.h); then without case numbers or notes.
        self.assertEqual(self.get("/v1/periods/2020-07/scorecard")[0], 409)
        zwfw_testlib.zwfw(*peers, "bulletin", "publish", "--period=2020-07",
                          token=self.admin, check=0)
        status, body = self.get("/v1/periods/2020-07/scorecard")
        self.assertEqual(status, 200)
        card = json.loads(body)
        self.assertTrue(card["frozen"])
        self.assertFalse(any(line.get("evidence")
                             for d in card["departments"]
                             for line in d.get("lines", [])))

        # The page: only the gateway's own scripts, no framing; no answer
        # sniffed into another type.
        _, _, headers = self.get("/", headers=True)
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'",
                      headers["Content-Security-Policy"])
        self.assertEqual(headers["X-Frame-Options"], "DENY")
        for path in ("/", "/v1/periods/2020-07/case-stats", "/nowhere"):
            _, _, headers = self.get(path, headers=True)
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff", path)

        url = "http://127.0.0.1:%d/?period=2020-07" % self.gateway.port
        artifacts = os.path.join(zwfw_testlib.BUILD_DIR, "test-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        screenshot = os.path.join(artifacts, "dashboard-2020-07.png")
        chromium = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + os.path.join(self.dir, "chromium"),
                    "--virtual-time-budget=15000",
                    "--enable-logging=stderr", "--v=0",
                    "--window-size=1400,1800"]
        dom = subprocess.run(chromium + ["--dump-dom", url],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        page = dom.stdout
        self.assertIn('data-loaded="2020-07"', page)
        self.assertIn("84,781", page)                 # cases
        self.assertIn("95.4%", page)                  # same-day 52740/55306
        self.assertIn("100分以上：区市场监管局、区财政局", page)
        self.assertIn("优质服务窗口：公安窗口", page)
        self.assertIn("<canvas", page)                # the charts were drawn
        # Under the Content-Security-Policy: nothing of the page refused.
        self.assertNotIn("Content Security Policy", dom.stderr)

        # ?period= was built into HTML (a DOM XSS that could read the token
        # typed into the prompt): now it is checked and never parsed.
        attack = ("http://127.0.0.1:%d/?period=2020-07%%22%%3E%%3Cimg%%20"
                  "src%%3Dx%%20id%%3Dinjected%%3E" % self.gateway.port)
        dom = subprocess.run(chromium + ["--dump-dom", attack],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        self.assertNotIn('id="injected"', dom.stdout)
        self.assertIn('href="/v1/periods/', dom.stdout)
        shot = subprocess.run(chromium + ["--screenshot=" + screenshot, url],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(shot.returncode, 0, shot.stderr[-2000:])
        self.assertGreater(os.path.getsize(screenshot), 20000)
        self.assertEqual(self.gateway.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()
