#!/usr/bin/env python3
"""Repeated crashes: kill -9 of survey during an evaluation import and of
bulletin during publish, 20 times each at random moments (seeded; the seed
is printed, ZWFW_CRASH_SEED repeats it), restarting on the same data every
time. Intake's 20 kills are in intake_crash_test.py.

Survey: every acknowledged evaluation is there after each restart (sent
again it is a DUPLICATE) and none is counted twice. Bulletin: a version is
whole or absent: versions are numbered 1..k without a gap, each with every
format, each format's content matching the hash the version lists.
"""
import hashlib
import os
import random
import threading
import time

import zwfw_testlib
from zwfw_testlib import zwfw, demo_directory

TRIALS = 20
ACCEPTED, DUPLICATE = 1, 3


def load_protos(out_dir):
    zwfw_testlib.load_protos(out_dir, "annotations.proto", "common.proto",
                             "survey.proto", "bulletin.proto")
    global grpc, survey_pb2, bulletin_pb2
    import grpc  # noqa: E402  (Debian's python3-grpcio)
    from zwfw.v1 import bulletin_pb2, survey_pb2  # noqa: E402


def unary(channel, method, request_class, response_class):
    return channel.unary_unary(
        method, request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString)


def evaluations(batch, size):
    request = survey_pb2.SubmitEvaluationsRequest()
    for i in range(size):
        n = batch * size + i
        e = request.evaluations.add(
            evaluation_id="crash-e%06d" % n, department_code="qj-gaj",
            case_no="crash-c%06d" % n, window_code="qj-w01",
            staff_code="qj-s001", rating=3 + n % 3, channel=1)
        e.evaluated_at.seconds = 1593997200 + n  # July 2020
    return request


class CrashTrialsTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        load_protos(os.path.join(self.dir, "py"))
        self.metadata = (("authorization", "Bearer " + self.admin),)
        self.rng = random.Random(zwfw_testlib.crash_seed())

    def test_survey_twenty_kills_during_an_evaluation_import(self):
        intake = self.start("services/intake/intake_server")
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        binary, flags = "services/survey/survey_server", [
            "--intake=" + intake.address]
        survey = self.start(binary, flags)
        batches, size = 40, 100
        acknowledged, mid_import = 0, 0
        for trial in range(TRIALS):
            channel = grpc.insecure_channel(survey.address)
            submit = unary(channel, "/zwfw.v1.Survey/SubmitEvaluations",
                           survey_pb2.SubmitEvaluationsRequest,
                           survey_pb2.SubmitEvaluationsResponse)
            acked = []

            def import_batches(progress):
                for b in range(trial * batches, (trial + 1) * batches):
                    response = submit(evaluations(b, size),
                                      metadata=self.metadata, timeout=30)
                    self.assertEqual({r.outcome for r in response.results},
                                     {ACCEPTED})
                    acked.append(b)
                    progress()

            zwfw_testlib.kill_during(survey, import_batches, self.rng,
                                     self.rng.randrange(batches - 5))
            channel.close()
            mid_import += len(acked) < batches
            acknowledged += len(acked) * size

            survey = self.restart(survey, binary, flags)
            channel = grpc.insecure_channel(survey.address)
            submit = unary(channel, "/zwfw.v1.Survey/SubmitEvaluations",
                           survey_pb2.SubmitEvaluationsRequest,
                           survey_pb2.SubmitEvaluationsResponse)
            for b in acked:
                response = submit(evaluations(b, size),
                                  metadata=self.metadata, timeout=30)
                self.assertEqual({r.outcome for r in response.results},
                                 {DUPLICATE}, "trial %d" % trial)
            counted = self.rated(channel)
            self.assertGreaterEqual(counted, acknowledged, "trial %d" % trial)
            self.assertLessEqual(counted, (trial + 1) * batches * size)
            channel.close()
        print("survey: %d kills, %d in the middle of the import, %d "
              "evaluations acknowledged, none lost" % (
                  TRIALS, mid_import, acknowledged), flush=True)
        self.assertGreater(mid_import, TRIALS // 2)
        channel = grpc.insecure_channel(survey.address)
        submit = unary(channel, "/zwfw.v1.Survey/SubmitEvaluations",
                       survey_pb2.SubmitEvaluationsRequest,
                       survey_pb2.SubmitEvaluationsResponse)
        for b in range(TRIALS * batches):
            submit(evaluations(b, size), metadata=self.metadata, timeout=30)
        self.assertEqual(self.rated(channel), TRIALS * batches * size)
        channel.close()

    def rated(self, channel):
        stats = unary(channel, "/zwfw.v1.Survey/GetSatisfactionStats",
                      survey_pb2.GetSatisfactionStatsRequest,
                      survey_pb2.GetSatisfactionStatsResponse)(
            survey_pb2.GetSatisfactionStatsRequest(period="2020-07"),
            metadata=self.metadata, timeout=30)
        return stats.total.active + stats.total.defaulted

    def test_bulletin_twenty_kills_during_publish(self):
        servers, _ = self.start_services()
        zwfw("--intake=" + servers["intake"].address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        zwfw("--scoring=" + servers["scoring"].address, "rules", "set",
             os.path.join(zwfw_testlib.SOURCE_DIR,
                          "deploy/demo/qijiang-2020-07-rules.json"),
             token=self.admin, check=0)
        bulletin = servers["bulletin"]
        binary = "services/bulletin/bulletin_server"
        flags = ["--intake=" + servers["intake"].address,
                 "--survey=" + servers["survey"].address,
                 "--scoring=" + servers["scoring"].address]
        published, mid_publish = {}, 0  # version -> hashes, as acknowledged
        duration = None  # of the first publish, which is not interrupted
        for trial in range(TRIALS + 1):
            channel = grpc.insecure_channel(bulletin.address)
            call = self.bulletin_calls(channel)
            draft = call["GetDraft"](
                bulletin_pb2.GetDraftRequest(period="2020-07"),
                metadata=self.metadata, timeout=30)
            draft.document_number = "綦政服〔2020〕%d号" % (trial + 1)
            call["UpdateDraft"](
                bulletin_pb2.UpdateDraftRequest(
                    draft=draft, start_new_version=bool(published)),
                metadata=self.metadata, timeout=30)
            answer = []

            def publish():
                try:
                    answer.append(call["Publish"](
                        bulletin_pb2.PublishRequest(period="2020-07"),
                        metadata=self.metadata, timeout=60))
                except grpc.RpcError:
                    pass  # killed under us

            publisher = threading.Thread(target=publish)
            start = time.monotonic()
            publisher.start()
            if duration is None:
                publisher.join(60)
                duration = time.monotonic() - start
                self.assertTrue(answer, "the first publish failed")
                published[answer[0].version] = dict(answer[0].sha256)
                continue
            time.sleep(self.rng.uniform(0.0, 1.2 * duration))
            bulletin.proc.kill()
            bulletin.proc.wait()
            publisher.join(30)
            channel.close()
            mid_publish += not answer
            for v in answer:
                published[v.version] = dict(v.sha256)

            bulletin = self.restart(bulletin, binary, flags)
            channel = grpc.insecure_channel(bulletin.address)
            call = self.bulletin_calls(channel)
            listed = call["ListPublished"](
                bulletin_pb2.ListPublishedRequest(period="2020-07"),
                metadata=self.metadata, timeout=30).versions
            numbers = [v.version for v in listed]
            self.assertEqual(sorted(numbers), list(range(1, len(numbers) + 1)),
                             "trial %d" % trial)
            for v in listed:
                if v.version in published:
                    self.assertEqual(dict(v.sha256), published[v.version])
                published[v.version] = dict(v.sha256)
                self.assertEqual(len(v.sha256), 6, "version %d" % v.version)
                for name, sha in v.sha256.items():
                    got = call["GetPublished"](
                        bulletin_pb2.GetPublishedRequest(
                            period="2020-07", version=v.version,
                            format=bulletin_pb2.BulletinFormat.Value(name)),
                        metadata=self.metadata, timeout=30)
                    self.assertEqual(hashlib.sha256(got.content).hexdigest(),
                                     sha, "version %d %s" % (v.version, name))
            channel.close()
        print("bulletin: %d kills, %d in the middle of a publish (of %.0f ms), "
              "%d versions whole, none half-written" % (
                  TRIALS, mid_publish, duration * 1000, len(published)),
              flush=True)
        self.assertGreater(mid_publish, TRIALS // 4)

    def bulletin_calls(self, channel):
        names = {
            "GetDraft": (bulletin_pb2.GetDraftRequest, bulletin_pb2.Draft),
            "UpdateDraft": (bulletin_pb2.UpdateDraftRequest,
                            bulletin_pb2.Draft),
            "Publish": (bulletin_pb2.PublishRequest,
                        bulletin_pb2.PublishedVersion),
            "ListPublished": (bulletin_pb2.ListPublishedRequest,
                              bulletin_pb2.ListPublishedResponse),
            "GetPublished": (bulletin_pb2.GetPublishedRequest,
                             bulletin_pb2.RenderResponse),
        }
        return {name: unary(channel, "/zwfw.v1.Bulletin/" + name, *types)
                for name, types in names.items()}


if __name__ == "__main__":
    zwfw_testlib.main()
