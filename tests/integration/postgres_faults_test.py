#!/usr/bin/env python3
"""Intake replicas on PostgreSQL under faults, all real processes, the
client Python's grpcio:

- kill -9 of one of three intake replicas in the middle of its stream
  (three streams at once, one a replica): the client re-sends the batches
  it was not told about through the survivors (round_robin over them);
  every acknowledged case is stored exactly once, the month's counters
  equal a recount of the stored cases, and sending everything again
  changes nothing;
- PostgreSQL stopped and started again under load (a private cluster of
  this test's own): calls fail fast with UNAVAILABLE naming the database,
  no batch acknowledged before, during or after is lost, and both replicas
  take writes again without a restart."""
import json
import os
import subprocess
import threading
import time
import urllib.parse

import zwfw_testlib
from intake_crash_test import BATCH_SIZE, Stub, load_protos, make_batch
from zwfw_testlib import demo_directory, zwfw

ACCEPTED, DUPLICATE, REJECTED = 1, 3, 4
UNAVAILABLE = 14


class PostgresFaultsTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        if not os.environ.get("ZWFW_TEST_POSTGRES"):
            self.skipTest("no ZWFW_TEST_POSTGRES: run tools/test")
        load_protos(os.path.join(self.dir, "py"))
        global grpc
        import grpc  # noqa: E402

    def suite_database(self):
        """A database of this test's own on tools/test's cluster."""
        name = "faults_%d_%s" % (os.getpid(), self._testMethodName[5:20])
        subprocess.run([os.path.join(zwfw_testlib.SOURCE_DIR, "tools/postgres"),
                        "createdb", os.environ["ZWFW_TEST_POSTGRES_DIR"], name],
                       check=True)
        url = urllib.parse.urlsplit(os.environ["ZWFW_TEST_POSTGRES"])
        return ["--database=" + url._replace(path="/" + name).geturl(),
                "--database_password_file=" +
                os.environ["ZWFW_TEST_POSTGRES_PASSWORD_FILE"]]

    def intake_replicas(self, n, database):
        replicas = [self.start("services/intake/intake_server", database)
                    for _ in range(n)]
        zwfw("--intake=" + replicas[0].address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        # Every replica serves the import before cases are sent to it.
        for r in replicas:
            deadline = time.time() + 10
            while True:
                _, listed, _ = zwfw("--intake=" + r.address, "directory",
                                    "departments", token=self.admin)
                if "qj-gaj" in listed or time.time() > deadline:
                    break
                time.sleep(0.05)
            self.assertIn("qj-gaj", listed)
        return replicas

    def round_robin(self, servers):
        """A stub balancing calls over `servers`, as the README advises."""
        config = {"loadBalancingConfig": [{"round_robin": {}}]}
        return Stub("ipv4:" + ",".join(s.address for s in servers),
                    self.admin,
                    options=[("grpc.service_config", json.dumps(config))])

    def test_kill_9_of_one_of_three_replicas_mid_stream(self):
        replicas = self.intake_replicas(3, self.suite_database())
        batches = 90  # ids 1..90: replica r is sent those with id % 3 == r
        acked = {}  # batch id -> outcomes, from every stream
        lock = threading.Lock()
        enough = threading.Event()
        victim_acks = [0]

        def stream(r):
            stub = Stub(replicas[r].address, self.admin)
            ids = [b for b in range(1, batches + 1) if b % 3 == r]
            try:
                for ack in stub.submit((make_batch(b) for b in ids),
                                       metadata=stub.metadata, timeout=120):
                    with lock:
                        acked[ack.batch_id] = [x.outcome for x in ack.results]
                    if r == 0:
                        victim_acks[0] += 1
                        if victim_acks[0] >= 8:
                            enough.set()
            except grpc.RpcError:
                self.assertEqual(r, 0, "a survivor's stream failed")
            finally:
                enough.set()
                stub.close()

        threads = [threading.Thread(target=stream, args=(r,))
                   for r in range(3)]
        for t in threads:
            t.start()
        self.assertTrue(enough.wait(60), "no acks from the first replica")
        replicas[0].proc.kill()  # SIGKILL, mid-stream
        replicas[0].proc.wait()
        for t in threads:
            t.join(120)
        victim_ids = [b for b in range(1, batches + 1) if b % 3 == 0]
        victim_acked = [b for b in victim_ids if b in acked]
        self.assertGreaterEqual(len(victim_acked), 8)
        self.assertLess(len(victim_acked), len(victim_ids),
                        "the stream finished before the kill")
        for b, outcomes in acked.items():
            self.assertEqual(outcomes, [ACCEPTED] * BATCH_SIZE, b)

        # The client re-sends what it was not told about, through the
        # survivors: two streams on one round-robin channel.
        survivors = self.round_robin(replicas[1:])
        missing = [b for b in victim_ids if b not in acked]
        resent = {}
        for half in (missing[::2], missing[1::2]):
            for ack in survivors.submit((make_batch(b) for b in half),
                                        metadata=survivors.metadata,
                                        timeout=120):
                resent[ack.batch_id] = {x.outcome for x in ack.results}
        self.assertEqual(sorted(resent), missing)
        print("kill -9: the replica acknowledged %d of its %d batches; %d "
              "re-sent through the survivors, %d of them already written" %
              (len(victim_acked), len(victim_ids), len(missing),
               sum(1 for o in resent.values() if DUPLICATE in o)))
        for b, outcomes in resent.items():
            # Written but not acknowledged before the kill: DUPLICATE.
            self.assertLessEqual(outcomes, {ACCEPTED, DUPLICATE}, b)

        # Every case once; the counters equal a recount, on either survivor.
        expected = batches * BATCH_SIZE
        for r in replicas[1:]:
            stub = Stub(r.address, self.admin)
            self.assertEqual(len(stub.stored_case_numbers()), expected)
            self.assertEqual(stub.total(), expected)
            stub.close()
        # Everything again: nothing new, nothing counted twice.
        again = {}
        for ack in survivors.submit(
                (make_batch(b) for b in range(1, batches + 1)),
                metadata=survivors.metadata, timeout=300):
            again[ack.batch_id] = {x.outcome for x in ack.results}
        for b, outcomes in again.items():
            self.assertEqual(outcomes, {DUPLICATE}, b)
        self.assertEqual(survivors.total(), expected)
        survivors.close()

    def test_postgres_restarted_under_load(self):
        cluster = os.path.join(self.dir, "pg")
        # As root, the server runs as `postgres`: it must pass through.
        os.chmod(self.dir, 0o711)
        postgres = os.path.join(zwfw_testlib.SOURCE_DIR, "tools/postgres")
        url = subprocess.run([postgres, "start", cluster], check=True,
                             capture_output=True, text=True).stdout.strip()
        self.addCleanup(subprocess.run, [postgres, "stop", cluster])
        replicas = self.intake_replicas(
            2, ["--database=" + url,
                "--database_password_file=" + os.path.join(cluster,
                                                           "password")])
        stubs = [Stub(r.address, self.admin) for r in replicas]
        batches = 60
        acked, refusals = {}, []
        stop = threading.Event()

        def load():
            # One batch a call, alternating replicas; a refused batch is
            # sent again until it is acknowledged.
            pending = list(range(1, batches + 1))
            turn = 0
            while pending and not stop.is_set():
                b = pending[0]
                stub = stubs[turn % 2]
                turn += 1
                started = time.time()
                try:
                    acks = list(stub.submit(iter([make_batch(b, 100)]),
                                            metadata=stub.metadata,
                                            timeout=10))
                except grpc.RpcError as e:
                    refusals.append((e.code().value[0], e.details(),
                                     time.time() - started))
                    time.sleep(0.1)
                    continue
                outcomes = {x.outcome for x in acks[0].results}
                if outcomes <= {ACCEPTED, DUPLICATE}:
                    acked[b] = outcomes
                    pending.pop(0)
                    time.sleep(0.02)
                    continue
                bad = [x for x in acks[0].results if x.outcome == REJECTED]
                refusals.append((bad[0].code, bad[0].reason,
                                 time.time() - started))
                time.sleep(0.1)

        loader = threading.Thread(target=load)
        loader.start()
        deadline = time.time() + 30
        while len(acked) < 10 and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreaterEqual(len(acked), 10, refusals)
        before = dict(acked)
        subprocess.run([postgres, "stop", cluster], check=True)
        # Down: reads and writes fail fast, UNAVAILABLE, naming the database.
        port = urllib.parse.urlsplit(url).port
        for stub in stubs:
            started = time.time()
            try:
                stub.total()
                self.fail("a read answered with the database down")
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.UNAVAILABLE)
                self.assertIn("127.0.0.1:%d" % port, e.details())
            self.assertLess(time.time() - started, 5)
        time.sleep(1)
        subprocess.run([postgres, "start", cluster], check=True,
                       capture_output=True)
        loader.join(90)
        stop.set()
        self.assertFalse(loader.is_alive())
        self.assertEqual(len(acked), batches, refusals)
        print("postgres restart: %d batches acknowledged before the stop, "
              "%d refusals, the slowest after %.2f s" %
              (len(before), len(refusals),
               max(r[2] for r in refusals) if refusals else 0))
        self.assertTrue(refusals, "the load saw no refusal: the database "
                        "went down between two batches only")
        for code, reason, seconds in refusals:
            self.assertEqual(code, UNAVAILABLE, reason)
            self.assertIn("127.0.0.1:%d" % port, reason)
            self.assertLess(seconds, 5, reason)
        # Nothing acknowledged is lost, every replica serves again (the
        # same processes), and the counters equal a recount.
        for r in replicas:
            self.assertIsNone(r.proc.poll())
        for stub in stubs:
            numbers = stub.stored_case_numbers()
            self.assertEqual(len(numbers), batches * 100)
            for b in before:
                self.assertIn("crash-%06d" % ((b - 1) * 100), numbers)
            self.assertEqual(stub.total(), batches * 100)
            stub.close()


if __name__ == "__main__":
    zwfw_testlib.main()
