#!/usr/bin/env python3
"""Interoperability: Node's @grpc/grpc-js (installed from npm into the
build tree) streams cases to the real intake server and reads the stats."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import zwfw_testlib
from zwfw_testlib import Server, new_token, zwfw, demo_directory


class IntakeInteropTest(unittest.TestCase):

    def test_node_grpc_js_client(self):
        client_dir = zwfw_testlib.node_packages("interop", ["submit_cases.js"])
        workdir = tempfile.mkdtemp(prefix="zwfw-interop-")
        server = None
        try:
            token = new_token(os.path.join(workdir, "tokens.txt"),
                              "department:qj-gaj")
            admin = new_token(os.path.join(workdir, "tokens.txt"), "admin")
            server = Server(workdir).wait_listening()
            zwfw("--intake=" + server.address, "directory", "import",
                 demo_directory(), token=admin, check=0)
            p = subprocess.run(
                ["node", "submit_cases.js",
                 os.path.join(zwfw_testlib.SOURCE_DIR, "protos"),
                 server.address, token],
                cwd=client_dir, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            result = json.loads(p.stdout)
            self.assertEqual(result["outcomes"], [
                ["1", "RECORD_OUTCOME_ACCEPTED", ""],
                ["1", "RECORD_OUTCOME_ACCEPTED", ""],
                ["2", "RECORD_OUTCOME_DUPLICATE", ""],
                ["2", "RECORD_OUTCOME_REJECTED", "accepted_at"],
            ])
            police = result["police"]
            self.assertEqual(police["total"], "2")
            self.assertEqual(police["center"], "1")
            self.assertEqual(police["grassroots"], "1")
            self.assertEqual(police["online"], "2")
            self.assertEqual(result["center_handled"], "1")
            self.assertEqual(result["center_same_day"], "1")
            self.assertEqual(server.terminate(), 0)
        finally:
            if server:
                server.kill()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    zwfw_testlib.main()
