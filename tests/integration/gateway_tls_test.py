#!/usr/bin/env python3
"""The gateway over HTTPS (--tls_cert/--tls_key): a real TLS handshake from
Python's ssl module against a certificate made for the test, HSTS on every
answer, plaintext refused on the TLS port; and a non-loopback listener
without TLS refused unless --insecure."""
import http.client
import os
import socket
import ssl
import subprocess
import time
import urllib.request

import zwfw_testlib


class GatewayTlsTest(zwfw_testlib.ServicesTestCase):

    def certificate(self):
        cert = os.path.join(self.dir, "gateway.crt")
        key = os.path.join(self.dir, "gateway.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        return cert, key

    def exits(self, extra):
        """Starts a gateway expected to refuse to start; its log."""
        gateway = zwfw_testlib.Server(self.dir, binary="gateway/gateway_server",
                                      extra=extra)
        self.servers.append(gateway)
        self.assertEqual(gateway.proc.wait(timeout=20), 1)
        return gateway.logs()

    def test_https_and_plaintext_refused_off_loopback(self):
        cert, key = self.certificate()
        gateway = self.start("gateway/gateway_server",
                             ["--tls_cert=" + cert, "--tls_key=" + key])
        context = ssl.create_default_context(cafile=cert)
        with urllib.request.urlopen(
                "https://127.0.0.1:%d/healthz" % gateway.port,
                context=context, timeout=10) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["Strict-Transport-Security"],
                             "max-age=31536000")
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        # An old protocol is refused.
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.load_verify_locations(cert)
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            with socket.create_connection(("127.0.0.1", gateway.port), 5) as s:
                with old.wrap_socket(s, server_hostname="127.0.0.1") as t:
                    t.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
        # Plaintext on the TLS port gets no answer.
        plain = http.client.HTTPConnection("127.0.0.1", gateway.port,
                                           timeout=5)
        with self.assertRaises((http.client.HTTPException, ConnectionError,
                                OSError)):
            plain.request("GET", "/healthz")
            plain.getresponse()
        self.assertEqual(gateway.terminate(), 0)

        # A key that is not there is named.
        self.assertIn("--tls_key=" + key + ".missing",
                      self.exits(["--tls_cert=" + cert,
                                  "--tls_key=" + key + ".missing"]))
        # Off loopback: TLS, or --insecure said out loud.
        port = zwfw_testlib.free_port()
        self.assertIn("is not a loopback address",
                      self.exits(["--listen=0.0.0.0:%d" % port]))
        insecure = zwfw_testlib.Server(
            self.dir, binary="gateway/gateway_server", port=port,
            extra=["--listen=0.0.0.0:%d" % port, "--insecure"])
        self.servers.append(insecure)
        deadline = time.time() + 20
        while time.time() < deadline and "plaintext on a non-loopback" \
                not in insecure.logs():
            time.sleep(0.05)
        self.assertIn("tokens cross the network in clear", insecure.logs())


if __name__ == "__main__":
    zwfw_testlib.main()
