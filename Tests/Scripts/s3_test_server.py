"""A local S3 server for the tests: moto's server on 127.0.0.1 with signature checking ON,
and a small fault-injecting HTTP proxy in front of it. No network beyond loopback.

Started by Tests/TestSupport/S3TestServer.swift (`python s3_test_server.py`):
1. moto's ThreadedMotoServer on a free port, with INITIAL_NO_AUTH_ACTION_COUNT=3, so the
   first three requests (create an IAM user, its access key, its policy) run unauthenticated
   and every later one must carry a valid SigV4 signature of that key;
2. a bucket created with that key, then a check that a wrong secret is refused (403), so a
   test server without auth can never pass for one with it;
3. the proxy on another free port; it forwards every request to moto unchanged (the Host
   header too, so signatures stay valid) unless a fault is armed.
It prints one JSON line {"endpoint", "proxy", "bucket", "access_key", "secret_key", "region"}
and then reads commands from stdin, one a line, answering "ok" (or "error ...") on stdout:
    fault 503 N       the next N requests through the proxy get 503 SlowDown
    fault truncate N  the next N responses through the proxy lose the second half of their body
    fault drop N      the next N requests through the proxy: connection closed, no answer
    fault lose N      the next N requests reach moto, then the connection closes: the answer is lost
    clear             no fault armed
    bucket NAME       create another bucket
It exits when stdin closes (the test process ended), so no server outlives its tests.
"""
import json
import os
import socket
import sys
import threading

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

import http.client  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

REGION = "us-east-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Faults:
    lock = threading.Lock()
    mode = None
    remaining = 0

    @classmethod
    def take(cls):
        with cls.lock:
            if cls.mode and cls.remaining > 0:
                cls.remaining -= 1
                return cls.mode
            return None


UPSTREAM = ("127.0.0.1", 0)
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = Faults.take()
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "503":
            text = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                    b"<Message>Please reduce your request rate.</Message></Error>")
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(text)
            return
        conn = http.client.HTTPConnection(*UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if fault == "lose":  # the server did the request; its answer is lost on the way back
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(resp.status)
        length = str(len(data))
        for k, v in resp.getheaders():
            if k.lower() == "content-length" and self.command == "HEAD":
                length = v  # a HEAD answer has no body but the object's length
            if k.lower() in HOP or k.lower() in ("content-length", "server", "date"):
                continue
            self.send_header(k, v)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault == "truncate" and len(data) > 1:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


def main():
    global UPSTREAM
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    UPSTREAM = ("127.0.0.1", port)
    anon = dict(endpoint_url=endpoint, region_name=REGION,
                aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **anon)
    iam.create_user(UserName="extract-tests")
    key = iam.create_access_key(UserName="extract-tests")["AccessKey"]
    iam.put_user_policy(UserName="extract-tests", PolicyName="all-s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    access, secret = key["AccessKeyId"], key["SecretAccessKey"]

    def s3(secret_key):
        return boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id=access, aws_secret_access_key=secret_key,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))

    bucket = "extract-tests"
    s3(secret).create_bucket(Bucket=bucket)
    try:
        s3(secret + "x").list_objects_v2(Bucket=bucket)
        print("error: moto accepted a wrong secret (signature checking is off)", file=sys.stderr)
        sys.exit(1)
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] != 403:
            raise

    proxy_port = free_port()
    proxy = ThreadingHTTPServer(("127.0.0.1", proxy_port), Proxy)
    proxy.daemon_threads = True
    threading.Thread(target=proxy.serve_forever, daemon=True).start()

    print(json.dumps({"endpoint": endpoint, "proxy": f"http://127.0.0.1:{proxy_port}", "bucket": bucket,
                      "access_key": access, "secret_key": secret, "region": REGION}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "fault":
                with Faults.lock:
                    Faults.mode, Faults.remaining = words[1], int(words[2])
            elif words[0] == "clear":
                with Faults.lock:
                    Faults.mode, Faults.remaining = None, 0
            elif words[0] == "bucket":
                s3(secret).create_bucket(Bucket=words[1])
            else:
                raise ValueError(f"unknown command {words[0]!r}")
            print("ok", flush=True)
        except Exception as e:  # the test reads the answer and fails on it
            print(f"error {e}", flush=True)
    proxy.shutdown()
    server.stop()


if __name__ == "__main__":
    main()
