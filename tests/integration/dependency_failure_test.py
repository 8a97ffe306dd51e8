#!/usr/bin/env python3
"""Dependencies failing under load: while readers hammer the gateway and a
stream of cases runs into intake, Redis is killed and restarted, then
intake is killed and restarted; later a slow survey (behind a delaying
proxy) must not take the gateway's workers from the other services.

Figures are printed: requests sent and failed per phase, time to recover.
Goals: no request fails while Redis is down; while intake is down only 503s
naming intake; a slow peer holds at most --backend_max_in_flight workers.
"""
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import zwfw_testlib
from zwfw_testlib import zwfw, demo_directory

READERS = 6
ROUTES = ("/v1/periods/2020-07/case-stats", "/v1/periods/2020-07/satisfaction")


class DelayingProxy:
    """A TCP proxy in front of a server; with `delay` set, every chunk the
    server sends back waits that long first (a slow service)."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.delay = 0.0
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1",
                                                 self.upstream_port))
            threading.Thread(target=self.pump, args=(client, upstream, False),
                             daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, True),
                             daemon=True).start()

    def pump(self, source, sink, slow):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if slow and self.delay:
                    time.sleep(self.delay)
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.listener.close()


class Load:
    """READERS threads GETting ROUTES through the gateway as fast as they
    can; every answer kept as (time, route, status, body)."""

    def __init__(self, port, token):
        self.port, self.token = port, token
        self.answers, self.lock = [], threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.read, args=(i,))
                        for i in range(READERS)]
        for t in self.threads:
            t.start()

    def read(self, i):
        n = i
        while self.running:
            route = ROUTES[n % len(ROUTES)]
            n += 1
            request = urllib.request.Request(
                "http://127.0.0.1:%d%s" % (self.port, route),
                headers={"Authorization": "Bearer " + self.token})
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    status, body = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read()
            except OSError as e:
                status, body = 0, str(e).encode()
            with self.lock:
                self.answers.append((time.monotonic(), route, status, body))

    def between(self, start, end):
        with self.lock:
            return [a for a in self.answers if start <= a[0] < end]

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join(60)


class DependencyFailureTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        zwfw_testlib.load_protos(os.path.join(self.dir, "py"),
                                 "annotations.proto", "common.proto",
                                 "directory.proto", "intake.proto")
        global grpc, intake_pb2
        import grpc  # noqa: E402  (Debian's python3-grpcio)
        from zwfw.v1 import intake_pb2  # noqa: E402
        self.redis = zwfw_testlib.PrivateRedis(self.dir)
        self.redis.start()
        self.addCleanup(self.redis.kill)

    def stream_cases(self, address, stop, acked):
        """Batches of 50 new cases into intake until `stop`, reconnecting
        when intake is down; acknowledged batch ids go to `acked`."""
        batch = 0
        while not stop.is_set():
            channel = grpc.insecure_channel(address)
            submit = channel.stream_stream(
                "/zwfw.v1.CaseIntake/SubmitCases",
                request_serializer=intake_pb2.SubmitCasesRequest
                .SerializeToString,
                response_deserializer=intake_pb2.SubmitCasesResponse.FromString)

            def batches():
                nonlocal batch
                while not stop.is_set():
                    batch += 1
                    request = intake_pb2.SubmitCasesRequest(batch_id=batch)
                    for i in range(50):
                        n = batch * 50 + i
                        c = request.cases.add(
                            department_code="qj-gaj", case_no="dep-%07d" % n,
                            category=1, site=1, status=1)
                        c.accepted_at.seconds = 1593997200 + n
                    yield request
                    time.sleep(0.05)

            try:
                for ack in submit(batches(), metadata=(
                        ("authorization", "Bearer " + self.admin),),
                        timeout=120):
                    if all(r.outcome == 1 for r in ack.results):
                        acked.append(ack.batch_id)
            except grpc.RpcError:
                time.sleep(0.1)
            channel.close()

    def test_redis_and_a_peer_fail_under_load(self):
        redis = self.redis.flags()
        servers, flags = self.start_services(redis)
        intake = servers["intake"]
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        gateway = self.start("gateway/gateway_server",
                             [*flags, *redis, "--rate_limit_per_minute=0"])
        stop, acked = threading.Event(), []
        streamer = threading.Thread(target=self.stream_cases,
                                    args=(intake.address, stop, acked))
        streamer.start()
        load = Load(gateway.port, self.viewer)
        try:
            marks = {"start": time.monotonic()}
            time.sleep(2)
            marks["redis down"] = time.monotonic()
            self.redis.kill()
            time.sleep(3)
            marks["redis up"] = time.monotonic()
            self.redis.start()
            time.sleep(3)
            marks["intake down"] = time.monotonic()
            intake.proc.kill()
            intake.proc.wait()
            time.sleep(3)
            marks["intake up"] = time.monotonic()
            intake = self.restart(intake, "services/intake/intake_server",
                                  redis)
            time.sleep(4)
            marks["end"] = time.monotonic()
        finally:
            load.stop()
            stop.set()
            streamer.join(60)

        phases = ["start", "redis down", "redis up", "intake down",
                  "intake up", "end"]
        for a, b in zip(phases, phases[1:]):
            answers = load.between(marks[a], marks[b])
            failed = [x for x in answers if x[2] != 200]
            print("from %-11s: %5d requests, %4d failed %s" % (
                a, len(answers), len(failed),
                sorted({x[2] for x in failed})), flush=True)
            self.assertGreater(len(answers), 20, a)
            if a in ("start", "redis down", "redis up"):
                self.assertEqual(failed, [], a)
            for x in failed:  # intake down, or just back
                self.assertEqual(x[2], 503, x)
                self.assertIn(b"intake", x[3], x)
        after = load.between(marks["intake up"], marks["end"])
        recovered = [x[0] for x in after if x[2] == 200 and
                     x[1] == ROUTES[0]]
        self.assertTrue(recovered, "case stats never answered again")
        print("case stats answered again %.2f s after intake restarted; "
              "%d batches of the stream acknowledged" % (
                  recovered[0] - marks["intake up"], len(acked)), flush=True)
        self.assertGreater(len(acked), 20)

    def test_a_slow_peer_does_not_take_every_worker(self):
        servers, flags = self.start_services()
        zwfw("--intake=" + servers["intake"].address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        proxy = DelayingProxy(servers["survey"].port)
        self.addCleanup(proxy.close)
        peers = [f for f in flags if not f.startswith("--survey=")]
        gateway = self.start("gateway/gateway_server", [
            *peers, "--survey=127.0.0.1:%d" % proxy.port,
            "--rate_limit_per_minute=0", "--http_workers=16",
            "--backend_max_in_flight=8"])
        time.sleep(1)  # the gateway's streams to every service are up
        proxy.delay = 3.0
        slow = []

        def read_survey(i):
            # A different query each: none is answered from the cache.
            request = urllib.request.Request(
                "http://127.0.0.1:%d/v1/periods/2020-0%d/satisfaction"
                % (gateway.port, 1 + i % 6),
                headers={"Authorization": "Bearer " + self.viewer})
            start = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            slow.append((status, time.monotonic() - start))

        readers = [threading.Thread(target=read_survey, args=(i,))
                   for i in range(24)]
        for t in readers:
            t.start()
        time.sleep(0.5)
        # Meanwhile intake's routes, each a new query (no cache), answer.
        fast = []
        for i in range(10):
            start = time.monotonic()
            request = urllib.request.Request(
                "http://127.0.0.1:%d/v1/periods/2020-%02d/case-stats"
                % (gateway.port, 1 + i),
                headers={"Authorization": "Bearer " + self.viewer})
            with urllib.request.urlopen(request, timeout=60) as r:
                self.assertEqual(r.status, 200)
            fast.append(time.monotonic() - start)
        for t in readers:
            t.join(120)
        proxy.delay = 0
        refused = [s for s in slow if s[0] == 503]
        print("slow survey: %d requests, %d refused 503 at once (max %.2f s), "
              "%d waited; intake's routes meanwhile: max %.3f s" % (
                  len(slow), len(refused),
                  max((s[1] for s in refused), default=0),
                  len(slow) - len(refused), max(fast)), flush=True)
        self.assertLess(max(fast), 1.0)
        self.assertGreaterEqual(len(refused), 24 - 8 - 2)


if __name__ == "__main__":
    zwfw_testlib.main()
