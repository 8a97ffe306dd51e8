#!/usr/bin/env python3
"""The dashboard driven by Playwright (playwright-core from npm) in Debian's
Chromium: the four services and the gateway (with --anonymous_viewer) as
real processes, the July 2020 demo loaded through the APIs, then
tests/browser/dashboard_flow.js — the period chosen in Chinese whatever the
browser's language, a figure's trend chosen from the keyboard, a quarter
equal to its months summed, a year. Its screenshots are test artifacts
(build/test-artifacts/dashboard-*.png)."""
import os
import subprocess

import zwfw_testlib


class DashboardBrowserTest(zwfw_testlib.ServicesTestCase):

    def test_period_selector_and_trends(self):
        client = zwfw_testlib.node_packages("browser", ["dashboard_flow.js"])
        viewer = os.path.join(self.dir, "viewer.token")
        with open(viewer, "w") as f:
            f.write(self.viewer)
        _, peers = self.start_services()
        gateway = self.start("gateway/gateway_server", peers + [
            "--anonymous_viewer", "--viewer_token_file=" + viewer])
        self.load_demo(peers)
        artifacts = os.path.join(zwfw_testlib.BUILD_DIR, "test-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        flow = subprocess.run(
            ["node", os.path.join(client, "dashboard_flow.js")],
            env=dict(os.environ,
                     ZWFW_URL="http://127.0.0.1:%d" % gateway.port,
                     ARTIFACTS=artifacts),
            capture_output=True, text=True, timeout=300)
        print(flow.stdout)
        self.assertEqual(flow.returncode, 0, flow.stdout + flow.stderr)
        for step in ("1-month", "2-trend", "3-quarter", "4-year"):
            shot = os.path.join(artifacts, "dashboard-%s.png" % step)
            self.assertGreater(os.path.getsize(shot), 20000, shot)
        self.assertEqual(gateway.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()
