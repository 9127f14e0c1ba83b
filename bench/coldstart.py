#!/usr/bin/env python3
"""Cold-start benchmark for the StepConnect functions (see bench/README.md).

Runs every function of template.yaml the way the Lambda java21 managed runtime does: a fresh JVM with
the runtime's flags, the real AWS Lambda runtime interface client (RIC), the function code laid out as
`sam build` lays it out, against a local Runtime API (this file) and a local AWS emulator (moto).
An empty Java handler runs in the same rounds as the floor.
"""
import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
RIC_DIR = os.path.join(OUT, "ric")
LAYOUT = os.path.join(OUT, "layout")
LOGS = os.path.join(OUT, "logs")
CLK_TCK = os.sysconf("SC_CLK_TCK")
REGION = "us-east-1"
ACCOUNT = "123456789012"
FLOOR = "EmptyFunction"
RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
SM_EB = {"BENCH_PROBE_CLIENTS": "secretsmanager,eventbridge", "BENCH_PROBE_HTTP": "urlconnection"}
PROBES = {
    # name: (env for bench.probe.ClientInitProbe, jars from bench/out/probe-lib added to its lib/)
    "ProbeSmEbUrlConnection": (SM_EB, []),
    "ProbeSmEbCrt": (dict(SM_EB, BENCH_PROBE_HTTP="crt"), ["aws-crt-", "crt-core-"]),
    "ProbeAllFiveClients": (dict(SM_EB, BENCH_PROBE_CLIENTS="secretsmanager,eventbridge,sfn,cloudwatch,scheduler"), []),
    # Every client AwsClients builds (the four added since: CloudFormation, Lambda, S3, CloudWatch Logs).
    "ProbeAllNineClients": (dict(SM_EB, BENCH_PROBE_CLIENTS="secretsmanager,eventbridge,sfn,cloudwatch,scheduler,"
                                                             "cloudformation,lambda,s3,logs"), []),
    # Priming in the constructor: what a SnapStart snapshot would contain.
    "ProbeSmEbPrimed": (dict(SM_EB, BENCH_PROBE_PRIME="init"), []),
    # Priming in an org.crac beforeCheckpoint hook: runs only under --snapstart.
    "ProbeSmEbCrac": (dict(SM_EB, BENCH_PROBE_PRIME="crac"), ["crac-"]),
    "ProbeJsonOnly": ({"BENCH_PROBE_CLIENTS": "", "BENCH_PROBE_HTTP": "none"}, []),
}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd, cwd=ROOT, **kw):
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, cwd=cwd, check=True, stdout=sys.stderr, **kw)


# ------------------------------------------------------------------------------------------------ template
def read_template(path):
    import yaml

    class CfnLoader(yaml.SafeLoader):
        pass

    def any_tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        name = "Ref" if suffix == "Ref" else "Fn::" + suffix
        return {name: value}

    CfnLoader.add_multi_constructor("!", any_tag)
    with open(path) as f:
        return yaml.load(f, Loader=CfnLoader)


def resolve(value, template):
    """Plain strings for environment values written with intrinsic functions (enough for a local run)."""
    if not isinstance(value, dict):
        return str(value)
    if "Ref" in value:
        ref = value["Ref"]
        param = template.get("Parameters", {}).get(ref)
        if param is not None:
            return str(param.get("Default", ""))
        rtype = template.get("Resources", {}).get(ref, {}).get("Type", "")
        if rtype == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:bench-{ref}"
        if rtype == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/bench-{ref}"
        return f"bench-{ref}"
    if "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        target = target if isinstance(target, str) else ".".join(target)
        return f"arn:aws:bench:{REGION}:{ACCOUNT}:{target}"
    return "bench"


def functions_from_template(template):
    glob = (template.get("Globals") or {}).get("Function") or {}
    result = {}
    for name, res in (template.get("Resources") or {}).items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res.get("Properties") or {}
        env = {}
        for source in (glob, props):
            for k, v in ((source.get("Environment") or {}).get("Variables") or {}).items():
                env[k] = resolve(v, template)
        log_config = props.get("LoggingConfig", glob.get("LoggingConfig")) or {}
        result[name] = {
            "log_level": log_config.get("ApplicationLogLevel"),
            "handler": props.get("Handler", glob.get("Handler")),
            "memory": int(props.get("MemorySize", glob.get("MemorySize", 128))),
            "timeout": int(props.get("Timeout", glob.get("Timeout", 3))),
            "runtime": props.get("Runtime", glob.get("Runtime")),
            "env": env,
            "log_format": log_config.get("LogFormat", "Text"),
            "layout": os.path.join(LAYOUT, "app"),
        }
    return result


# ------------------------------------------------------------------------------------------------ build
def build(args):
    os.makedirs(OUT, exist_ok=True)
    if not args.skip_build or not os.path.isdir(os.path.join(LAYOUT, "app")):
        shutil.rmtree(LAYOUT, ignore_errors=True)
        app = os.path.join(LAYOUT, "app")
        # What `sam build` does for a Maven function: package, then classes at the root and the runtime
        # dependencies under lib/ (.aws-sam/build/<Function>/).
        run(["mvn", "-B", "-q", "-DskipTests", "package"])
        run(["mvn", "-B", "-q", "dependency:copy-dependencies", "-DincludeScope=runtime",
             f"-DoutputDirectory={os.path.join(app, 'lib')}"])
        shutil.copytree(os.path.join(ROOT, "target", "classes"), app, dirs_exist_ok=True)
    if not os.path.isdir(RIC_DIR) or not os.listdir(RIC_DIR):
        run(["mvn", "-B", "-q", "-f", os.path.join(BENCH, "ric", "pom.xml"), "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={RIC_DIR}"])
    app_lib = os.path.join(LAYOUT, "app", "lib")
    core_jar = next(os.path.join(app_lib, j) for j in os.listdir(app_lib) if j.startswith("aws-lambda-java-core-"))

    empty = os.path.join(LAYOUT, "empty")
    if not os.path.isdir(empty):
        os.makedirs(os.path.join(empty, "lib"))
        shutil.copy(core_jar, os.path.join(empty, "lib"))
        run(["javac", "--release", "17", "-d", empty, "-cp", core_jar,
             os.path.join(BENCH, "empty", "src", "bench", "EmptyHandler.java")])

    if args.probes:
        build_probes()


def build_probes():
    app = os.path.join(LAYOUT, "app")
    crt_lib = os.path.join(OUT, "probe-lib")
    if not os.path.isdir(crt_lib) or not os.listdir(crt_lib):
        run(["mvn", "-B", "-q", "-f", os.path.join(BENCH, "probe", "pom.xml"), "dependency:copy-dependencies",
             "-DincludeScope=runtime",
             f"-DoutputDirectory={crt_lib}"])
    cp = ":".join([os.path.join(app), os.path.join(app, "lib", "*"), os.path.join(crt_lib, "*")])
    for name, (_, extra) in PROBES.items():
        target = os.path.join(LAYOUT, name)
        if os.path.isdir(target):
            continue
        shutil.copytree(app, target)
        for jar in os.listdir(crt_lib):
            if any(jar.startswith(prefix) for prefix in extra) and not os.path.exists(os.path.join(target, "lib", jar)):
                shutil.copy(os.path.join(crt_lib, jar), os.path.join(target, "lib"))
        run(["javac", "--release", "17", "-nowarn", "-d", target, "-cp", cp,
             os.path.join(BENCH, "probe", "src", "bench", "probe", "ClientInitProbe.java")])


def package_size(layout):
    classes, jars = 0, []
    for dirpath, _, files in os.walk(layout):
        for f in files:
            size = os.path.getsize(os.path.join(dirpath, f))
            if os.path.relpath(dirpath, layout).split(os.sep)[0] == "lib":
                jars.append((size, f))
            else:
                classes += size
    jars.sort(reverse=True)
    return classes, jars


# ------------------------------------------------------------------------------------------------ Runtime API
class Invocation:
    def __init__(self, payload):
        self.request_id = str(uuid.uuid4())
        self.payload = payload
        self.delivered = None
        self.done = None
        self.error = None
        self.cfn = []  # (Status, Reason) of the custom-resource responses PUT during this invocation


class RuntimeApi:
    """The Lambda Runtime API for one execution environment (one JVM), with timestamps."""

    def __init__(self, function_name, timeout_s):
        self.function_name = function_name
        self.timeout_s = timeout_s
        self.pending = []
        self.invocations = {}
        self.order = []
        self.first_next = None
        self.restore_next = None
        self.init_error = None
        self.pid = None
        self.cold_proc = None
        self.cfn_responses = []
        self.cloudwatch_calls = []
        self.per_environment = {}
        self.credential_requests = []
        self.restore_proc = None
        self.current = None
        self.cond = threading.Condition()
        self.closed = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def setup(self):
                super().setup()
                # Headers and body in one segment, no Nagle: otherwise delayed ACKs add ~40 ms per call.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _send(self, code, body=b"", headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self._headers_buffer.append(b"\r\n" + body)
                self.flush_headers()

            def do_GET(self):
                if self.path == "/2018-06-01/runtime/invocation/next":
                    inv = api.next_invocation()
                    if inv is None:
                        self.close_connection = True
                        return
                    deadline_ms = int(time.time() * 1000) + api.timeout_s * 1000
                    self._send(200, inv.payload, {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": inv.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn":
                            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{api.function_name}",
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
                    })
                elif self.path == "/2021-04-23/credentials":
                    # SnapStart functions get credentials from this container endpoint, not AWS_ACCESS_KEY_ID.
                    if self.headers.get("Authorization") != "bench-container-token":
                        self._send(401, b'{"message":"bad token"}')
                        return
                    api.credential_requests.append("after restore" if api.restore_next else "before checkpoint")
                    expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
                    self._send(200, json.dumps({"AccessKeyId": "ASIABENCHCONTAINER00", "SecretAccessKey": "bench",
                                                "Token": "bench-session-token", "Expiration": expiry}).encode(),
                               {"Content-Type": "application/json"})
                elif self.path == "/2018-06-01/runtime/restore/next":
                    # SnapStart: the RIC ran the beforeCheckpoint hooks; "restore" at once.
                    api.restore_next = time.monotonic()
                    if api.pid:
                        api.restore_proc = read_proc(api.pid)
                    self._send(200)
                else:
                    self._send(404, b'{"errorMessage":"not found"}')

            def do_POST(self):
                now = time.monotonic()
                body = self._body()
                parts = self.path.split("/")
                if self.path in ("/2018-06-01/runtime/init/error", "/2018-06-01/runtime/restore/error"):
                    api.finish_init_error(now, self.headers.get("Lambda-Runtime-Function-Error-Type"), body)
                    self._send(202, b'{"status":"OK"}')
                elif self.path.startswith("/service/GraniteServiceVersion20100801/operation/"):
                    # CloudWatch: the Java SDK speaks Smithy RPC v2 CBOR, which moto 5.2.1 does not serve
                    # (404). Answer its calls (PutMetricAlarm) as CloudWatch does: 200, an empty CBOR map.
                    api.cloudwatch_calls.append(parts[-1])
                    self._send(200, b"\xa0", {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
                elif len(parts) == 6 and parts[3] == "invocation" and parts[5] in ("response", "error"):
                    error = None
                    if parts[5] == "error":
                        error = _error_summary(self.headers.get("Lambda-Runtime-Function-Error-Type"), body)
                    else:
                        error = _partial_batch_failure(body)
                    api.finish(parts[4], now, error)
                    self._send(202, b'{"status":"OK"}')
                else:
                    self._send(404, b'{"errorMessage":"not found"}')

            def do_PUT(self):
                # CloudFormation custom resource responses (the event's ResponseURL points here).
                body = self._body()
                try:
                    doc = json.loads(body)
                    status, reason = doc.get("Status"), doc.get("Reason")
                except ValueError:
                    status, reason = "unparseable", None
                api.cfn_responses.append(status)
                if api.current is not None:
                    api.current.cfn.append((status, reason))
                self._send(200)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # the JVM is killed while it long-polls /next; nothing to report

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, payload):
        inv = Invocation(payload)
        self.invocations[inv.request_id] = inv
        self.order.append(inv)
        self.pending.append(inv)

    def next_invocation(self):
        with self.cond:
            now = time.monotonic()
            if self.first_next is None:
                self.first_next = now
            while not self.pending and not self.closed:
                self.cond.wait()
            if self.closed:
                return None
            inv = self.pending.pop(0)
            inv.delivered = time.monotonic()
            self.current = inv
            return inv

    def finish(self, request_id, now, error):
        with self.cond:
            inv = self.invocations.get(request_id)
            if inv is None:
                return
            if error is None and any(status != "SUCCESS" for status, _ in inv.cfn):
                # A custom resource that answers CloudFormation FAILED failed, whatever it returned to Lambda.
                status, reason = next((c for c in inv.cfn if c[0] != "SUCCESS"))
                error = f"cfn:{status}: {str(reason)[:120]}"
            inv.done, inv.error = now, error
            if inv is self.order[0] and self.pid:
                self.cold_proc = read_proc(self.pid)
            self.cond.notify_all()

    def finish_init_error(self, now, error_type, body):
        with self.cond:
            self.init_error = (now, _error_summary(error_type, body))
            if self.pid:
                self.cold_proc = read_proc(self.pid)
            self.cond.notify_all()

    def wait_all(self, proc, timeout_s):
        end = time.monotonic() + timeout_s
        with self.cond:
            while time.monotonic() < end:
                if self.init_error or all(i.done for i in self.order) or proc.poll() is not None:
                    return
                self.cond.wait(0.05)

    def close(self):
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()


def _error_summary(error_type, body):
    try:
        doc = json.loads(body)
        return f"{doc.get('errorType') or error_type}: {str(doc.get('errorMessage'))[:120]}"
    except ValueError:
        return f"{error_type}: {body[:120]!r}"


def _partial_batch_failure(body):
    """An SQS handler that answers but hands messages back (ReportBatchItemFailures) failed them."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    failures = doc.get("batchItemFailures") if isinstance(doc, dict) else None
    return f"batchItemFailures: {len(failures)} message(s) handed back, see the log" if failures else None


def read_proc(pid):
    """CPU seconds (all threads, user+sys), current and peak RSS in MB."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
        rss = hwm = None
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
        return {"cpu": cpu, "rss": rss, "hwm": hwm}
    except (OSError, IndexError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------ emulator
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    logf = open(os.path.join(LOGS, "moto.log"), "w")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "src", "test", "resources", "moto", "launch_moto.py"),
                             "-H", "127.0.0.1", "-p", str(port)], stdout=logf, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("moto_server did not start, see bench/out/logs/moto.log")
            time.sleep(0.1)
    raise SystemExit("moto_server did not answer in 30 s")


def seed(endpoint, template):
    """Resources the sample events name, so that first invocations make real, successful-looking calls.

    Returns the placeholder values and a function giving the per-invocation ones (see render_event)."""
    import boto3
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench")
    sm = boto3.client("secretsmanager", **kw)
    events = boto3.client("events", **kw)
    sfn = boto3.client("stepfunctions", **kw)
    suffix = uuid.uuid4().hex[:8]
    connection = f"stepconnect-bench-{suffix}"
    credential = json.dumps({"authorizationType": "API_KEY", "apiKeyName": "x-api-key", "apiKeyValue": "bench-" + suffix})
    # stepconnect:credentials=true: the owner's opt-in, without which every function refuses the secret.
    tags = [{"Key": "stepconnect:connection", "Value": connection},
            {"Key": "stepconnect:generator", "Value": "random"},
            {"Key": "stepconnect:credentials", "Value": "true"}]
    secret = sm.create_secret(Name=f"stepconnect-bench/credentials-{suffix}", SecretString=credential, Tags=tags)
    events.create_connection(Name=connection, AuthorizationType="API_KEY",
                             AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key",
                                                                      "ApiKeyValue": "bench-" + suffix}})
    # A FAILED execution, as the failure event says (set before the state machine exists, which then
    # lives in the executing backend): without execute_state_machine moto leaves it
    # RUNNING and Remediation rightly treats the event as stale (ALREADY_RETRIED). launch_moto.py
    # carries the fix that lets moto run more than one execution per server.
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/config", method="POST",
                                                  data=b'{"stepfunctions":{"execute_state_machine":true}}'))
    machine = sfn.create_state_machine(
        name=f"stepconnect-bench-{suffix}", roleArn=f"arn:aws:iam::{ACCOUNT}:role/bench",
        definition=json.dumps({"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "Bench"}}}),
        tags=[{"key": "stepconnect:auto-retry", "value": "true"}])
    executions = iter(range(1, 1 << 30))

    def failed_execution():
        name = f"bench-{suffix}-{next(executions)}"
        arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=name)["executionArn"]
        for _ in range(100):
            status = sfn.describe_execution(executionArn=arn)["status"]
            if status != "RUNNING":
                break
            time.sleep(0.05)
        if status != "FAILED":
            raise SystemExit(f"seed: the bench execution ended {status}, not FAILED")
        return {"FAILED_EXECUTION_ARN": arn, "FAILED_EXECUTION_NAME": name}

    execution = failed_execution()
    # The template's schedule groups, under the names resolve() gives their !Ref.
    scheduler = boto3.client("scheduler", **kw)
    for logical_id, res in (template.get("Resources") or {}).items():
        if res.get("Type") == "AWS::Scheduler::ScheduleGroup":
            scheduler.create_schedule_group(Name=resolve({"Ref": logical_id}, template))
    # moto imports a service's backend on its first request: do it now, not in a function's first call.
    boto3.client("cloudwatch", **kw).describe_alarms(MaxRecords=1)
    boto3.client("logs", **kw).describe_log_groups(limit=1)
    boto3.client("s3", **kw).list_buckets()
    boto3.client("cloudformation", **kw).list_stacks()
    boto3.client("lambda", **kw).list_functions(MaxItems=1)
    scheduler.list_schedule_groups(MaxResults=1)
    boto3.client("sns", **kw).list_topics()
    sm.list_secrets(MaxResults=1)
    events.describe_connection(Name=connection)
    counter = iter(range(1, 1 << 30))

    def rotation_start():
        """A secret in the state Secrets Manager puts it in before it calls createSecret: rotation
        enabled, AWSCURRENT on the old value, AWSPENDING on the rotation's token with no value yet.
        A fresh secret per invocation: moto mislabels a second rotation of the same secret."""
        secret_arn = sm.create_secret(Name=f"stepconnect-bench/rotation-{suffix}-{next(counter)}",
                                      SecretString=credential, Tags=tags)["ARN"]
        return {"ROTATION_SECRET_ARN": secret_arn, "ROTATION_TOKEN": start_rotation(sm, secret_arn)}

    # The guardian's own pair: a secret and a connection whose marker (ConnectionMarker) names it as source
    # and records its first version. Per execution environment, PutSecretValue makes a new AWSCURRENT, as
    # the CloudTrail event says: each cold start syncs the connection (UpdateConnection, then the wait for
    # AUTHORIZED); warm invocations find it already carrying AWSCURRENT. Its own pair so that the connections
    # ConnectionProvider creates from SECRET_ARN (which it links in the secret's tag) never grow its work.
    guardian_connection = f"stepconnect-bench-guardian-{suffix}"
    guardian_secret = sm.create_secret(
        Name=f"stepconnect-bench/guardian-{suffix}", SecretString=credential,
        Tags=[{"Key": "stepconnect:connection", "Value": guardian_connection},
              {"Key": "stepconnect:credentials", "Value": "true"}])

    def marker_hash(text):
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    events.create_connection(
        Name=guardian_connection, AuthorizationType="API_KEY",
        Description=f"bench [stepconnect:source={marker_hash(guardian_secret['ARN'])};"
                    f"version={marker_hash(guardian_secret['VersionId'])}]",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "bench-" + suffix}})
    guardian_versions = iter(range(1, 1 << 30))

    def guardian_change():
        n = next(guardian_versions)
        sm.put_secret_value(SecretId=guardian_secret["ARN"], SecretString=json.dumps(
            {"authorizationType": "API_KEY", "apiKeyName": "x-api-key", "apiKeyValue": f"bench-{suffix}-{n}"}))
        return {"GUARDIAN_SECRET_ARN": guardian_secret["ARN"]}

    values = {
        "SECRET_ARN": secret["ARN"],
        "CONNECTION_NAME": connection,
        "STATE_MACHINE_ARN": machine["stateMachineArn"],
        "EXECUTION_ARN": execution["FAILED_EXECUTION_ARN"],
        "REGION": REGION,
        "ACCOUNT": ACCOUNT,
    }
    # Per invocation: each createSecret needs a rotation of its own. Per execution environment: each
    # cold start handles a failure nobody has retried yet; its warm invocations are duplicate deliveries.
    return values, {"ROTATION_": ("invocation", rotation_start), "FAILED_EXECUTION_": ("environment", failed_execution),
                    "GUARDIAN_": ("environment", guardian_change)}


def start_rotation(sm, secret_arn):
    """What src/test/java/dev/stepconnect/testing/RotationStart.java does: RotateSecret with rotation
    rules and no Lambda (moto then makes the new, value-less version AWSCURRENT), then the labels moved
    back with UpdateSecretVersionStage. Returns the rotation's token."""
    def stages():
        return {v["VersionId"]: v["VersionStages"]
                for v in sm.list_secret_version_ids(SecretId=secret_arn, IncludeDeprecated=True)["Versions"]}

    token = str(uuid.uuid4())
    current = next(v for v, s in stages().items() if "AWSCURRENT" in s)
    sm.rotate_secret(SecretId=secret_arn, ClientRequestToken=token, RotationRules={"AutomaticallyAfterDays": 30})
    if "AWSCURRENT" in stages().get(token, []):
        sm.update_secret_version_stage(SecretId=secret_arn, VersionStage="AWSCURRENT", MoveToVersionId=current,
                                       RemoveFromVersionId=token)
        sm.update_secret_version_stage(SecretId=secret_arn, VersionStage="AWSPENDING", MoveToVersionId=token)
        if "AWSPREVIOUS" in stages().get(token, []):
            sm.update_secret_version_stage(SecretId=secret_arn, VersionStage="AWSPREVIOUS", RemoveFromVersionId=token)
    final = stages()
    if final.get(token) != ["AWSPENDING"] or final.get(current) != ["AWSCURRENT"]:
        raise SystemExit(f"seed: could not reach the rotation start state: {final}")
    return token


def render_event(path, values, fresh, runtime_api):
    with open(path) as f:
        text = f.read()
    merged = dict(values, UNIQUE=uuid.uuid4().hex[:12], TOKEN=str(uuid.uuid4()),
                  RESPONSE_URL=f"http://127.0.0.1:{runtime_api.port}/cfn-response/{uuid.uuid4().hex}")
    # Placeholders that need AWS state of their own per invocation (a fresh rotation, ...): made here,
    # before the JVM starts, so it never counts in a measurement.
    for prefix, (scope, make) in fresh.items():
        if "{{" + prefix in text:
            if scope == "invocation":
                merged.update(make())
            else:
                if prefix not in runtime_api.per_environment:
                    runtime_api.per_environment[prefix] = make()
                merged.update(runtime_api.per_environment[prefix])
    for k, v in merged.items():
        text = text.replace("{{" + k + "}}", v)
    return text.encode()


# ------------------------------------------------------------------------------------------------ launch
def launch(name, fn, args, ric_cp, endpoint, values, fresh, round_no):
    api = RuntimeApi(name, fn["timeout"])
    event = fn["event"]
    for _ in range(1 + args.warm):
        api.add(render_event(event, values, fresh, api) if event else b"{}")
    mem = fn["memory"]
    layout = fn["layout"]
    jvm = [args.java,
           f"-XX:MaxHeapSize={int(mem * 1024 * 0.85)}k",
           f"-XX:MaxMetaspaceSize={int(mem * 1024 * 0.10)}k",
           f"-XX:ReservedCodeCacheSize={int(mem * 1024 * 0.05)}k",
           "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
           "-Djava.net.preferIPv4Stack=true", "--add-opens=java.base/java.io=ALL-UNNAMED"]
    jvm += args.jvm_arg
    if args.snapstart:
        # How the java21 runtime wires org.crac to the RIC's own implementation of the hooks.
        jvm.append("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac")
    if args.appcds:
        archive = os.path.join(OUT, "cds", f"{name}.jsa")
        jvm.append(f"-XX:SharedArchiveFile={archive}" if os.path.exists(archive) else f"-XX:ArchiveClassesAtExit={archive}")
    if args.classpath == "runtime":
        # As in the managed runtime: the RIC on the JVM class path, the function's code (classes at the
        # root, lib/*.jar) loaded by the RIC's CustomerClassLoader from the working directory.
        cp = ric_cp
    else:
        cp = ":".join([layout, os.path.join(layout, "lib", "*"), ric_cp])
    cmd = jvm + ["-classpath", cp, RIC_MAIN, fn["handler"]]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.port}",
        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "ASIABENCHBENCHBENCH0", "AWS_SECRET_ACCESS_KEY": "bench-secret-access-key",
        "AWS_SESSION_TOKEN": "bench-session-token",
        "AWS_LAMBDA_FUNCTION_NAME": name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(mem),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}", "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start" if args.snapstart else "on-demand", "AWS_EXECUTION_ENV": "AWS_Lambda_java21",
        "_HANDLER": fn["handler"], "LAMBDA_TASK_ROOT": layout, "LAMBDA_RUNTIME_DIR": RIC_DIR,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_CLOUDWATCH": f"http://127.0.0.1:{api.port}",
    }
    if args.snapstart:
        # As Lambda does for SnapStart functions: no access-key variables, container credentials instead.
        if not args.snapstart_keep_keys:
            for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
                del env[k]
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = f"http://127.0.0.1:{api.port}/2021-04-23/credentials"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "bench-container-token"
    if fn.get("log_format") == "JSON":
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        if fn.get("log_level"):
            env["AWS_LAMBDA_LOG_LEVEL"] = fn["log_level"]
    env.update(fn["env"])
    logpath = os.path.join(LOGS, f"{name}-{round_no}.log")
    if name.startswith("Probe"):
        env["BENCH_PROBE_OUT"] = logpath[:-4] + ".phases"
    with open(logpath, "wb") as logf:
        logf.write(("# cwd " + layout + "\n# " + " ".join(cmd) + "\n").encode())
        logf.flush()
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=layout, env=env, stdout=logf, stderr=subprocess.STDOUT)
        api.pid = proc.pid
        api.wait_all(proc, args.timeout)
        final = read_proc(proc.pid)
        if round_no == 0:
            # AppCDS training run: a normal JVM exit writes the dynamic archive.
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and os.waitpid(proc.pid, os.WNOHANG) == (0, 0):
                time.sleep(0.05)
        try:
            proc.send_signal(signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = status
        except (ChildProcessError, ProcessLookupError):
            proc.returncode, rusage = 0, resource.getrusage(resource.RUSAGE_CHILDREN)
    api.close()
    first = api.order[0]
    result = {"name": name, "round": round_no, "log": logpath, "error": None}
    if api.init_error:
        result.update(error="init: " + api.init_error[1], cold=api.init_error[0] - t0,
                      init=(api.first_next or api.init_error[0]) - t0, invoke=None)
    elif first.done is None:
        result.update(error="no response (timeout or crash, see log)", cold=None, init=None, invoke=None)
        if api.first_next:
            result["init"] = api.first_next - t0
    elif args.snapstart and api.restore_next:
        # The user-facing part of a SnapStart cold start that is not the micro-VM restore itself:
        # afterRestore hooks, the first /next and the first invocation.
        result.update(cold=first.done - api.restore_next, init=api.restore_next - t0,
                      invoke=first.done - first.delivered, error=first.error)
    else:
        result.update(cold=first.done - t0, init=api.first_next - t0, invoke=first.done - first.delivered,
                      error=first.error)
    cold_proc = api.cold_proc or {}
    result["cpu"] = cold_proc.get("cpu")
    if args.snapstart and api.restore_proc and result["cpu"] is not None:
        # After restore only: the snapshot holds everything before (10 ms resolution).
        result["cpu"] -= api.restore_proc["cpu"]
    result["credential_requests"] = list(api.credential_requests)
    result["rss_cold"] = cold_proc.get("rss")
    result["hwm"] = (final or {}).get("hwm") or rusage.ru_maxrss / 1024
    warm = [i.done - i.delivered for i in api.order[1:] if i.done]
    result["warm_p50"] = statistics.median(warm) if warm else None
    result["warm_errors"] = sum(1 for i in api.order[1:] if i.error)
    result["cfn"] = list(api.cfn_responses)
    return result


# ------------------------------------------------------------------------------------------------ report
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, scale=1000, digits=0):
    return "-" if v is None else f"{v * scale:.{digits}f}"


def report(results, names, functions, args):
    floor = med([r["cold"] for r in results if r["name"] == FLOOR and not r["error"]])
    floor_cpu = med([r["cpu"] for r in results if r["name"] == FLOOR and not r["error"]])
    lines = []
    header = (f"{'function':<26} {'cold ms':>8} {'x floor':>8} {'min':>6} {'max':>6} {'init ms':>8} "
              f"{'1st inv':>8} {'CPU ms':>7} {'CPU x':>6} {'RSS MB':>7} {'peak MB':>7} {'warm p50':>9} {'mem':>5}  notes")
    lines.append(header)
    lines.append("-" * len(header))
    for name in names:
        rs = [r for r in results if r["name"] == name]
        colds = [r["cold"] for r in rs if r["cold"] is not None]
        cold = med(colds)
        ratio = "-" if cold is None or not floor else f"{cold / floor:.2f}"
        cpu = med([r['cpu'] for r in rs])
        cpu_ratio = "-" if cpu is None or not floor_cpu else f"{cpu / floor_cpu:.2f}"
        if args.snapstart and name != FLOOR:
            ratio = cpu_ratio = "-"  # ratios to a floor of a few ms mean nothing: see the notes
        errors = sorted({r["error"] for r in rs if r["error"]})
        notes = []
        if errors:
            notes.append(f"ERROR x{sum(1 for r in rs if r['error'])}: " + " | ".join(errors)[:110])
        warm_errors = sum(r["warm_errors"] for r in rs)
        if warm_errors and not errors:
            notes.append(f"warm errors: {warm_errors}")
        if args.snapstart and cold is not None and floor is not None and name != FLOOR:
            # A ratio to a ~2 ms floor means nothing; what the function adds after restore does.
            notes.insert(0, f"+{(cold - floor) * 1000:.0f} ms over the floor after restore")
        elif cold is not None and floor and name != FLOOR and not name.startswith("Probe"):
            goal = "goal <=1.5 met" if cold / floor <= 1.5 else "<=2.0 met" if cold / floor <= 2.0 else "OVER 2.0"
            if errors:
                goal = "no verdict: first invocation failed"
            notes.insert(0, goal)
        if args.snapstart:
            creds = [c for r in rs for c in r["credential_requests"]]
            if creds:
                notes.append("container credentials fetched: " + ", ".join(
                    f"{creds.count(k)}x {k}" for k in ("before checkpoint", "after restore") if k in creds))
        cfn = sorted({s for r in rs for s in r["cfn"]})
        if cfn:
            notes.append("cfn:" + ",".join(str(c) for c in cfn))
        lines.append(
            f"{name:<26} {fmt(cold):>8} {ratio:>8} {fmt(min(colds) if colds else None):>6} "
            f"{fmt(max(colds) if colds else None):>6} {fmt(med([r['init'] for r in rs])):>8} "
            f"{fmt(med([r['invoke'] for r in rs])):>8} {fmt(cpu):>7} {cpu_ratio:>6} "
            f"{fmt(med([r['rss_cold'] for r in rs]), 1):>7} {fmt(med([r['hwm'] for r in rs]), 1):>7} "
            f"{fmt(med([r['warm_p50'] for r in rs]), 1000, 1):>9} {functions[name]['memory']:>5}  {'; '.join(notes)}")
    return "\n".join(lines)


def size_report(layouts):
    lines = []
    for label, layout in layouts:
        classes, jars = package_size(layout)
        total = classes + sum(s for s, _ in jars)
        lines.append(f"{label}: {total / 1e6:.2f} MB (classes and resources {classes / 1e3:.0f} kB, "
                     f"lib/ {sum(s for s, _ in jars) / 1e6:.2f} MB in {len(jars)} jars)")
        for size, jar in jars[:10]:
            lines.append(f"    {size / 1e3:>8.0f} kB  {jar}")
    return "\n".join(lines)


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return " / ".join(out[:2])


# ------------------------------------------------------------------------------------------------ main
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5, help="cold starts per function (round-robin), default 5")
    p.add_argument("--warm", type=int, default=20, help="warm invocations after each cold one, default 20")
    p.add_argument("--functions", default="", help="comma-separated logical IDs (default: all in template.yaml)")
    p.add_argument("--probes", action="store_true", help="also run the init-cost probes (bench/probe)")
    p.add_argument("--only-probes", action="store_true", help="run the floor and the probes only")
    p.add_argument("--event", action="append", default=[], metavar="FUNCTION=FILE",
                   help="event file for a function (default bench/events/<Function>.json)")
    p.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                   if os.environ.get("JAVA_HOME") else shutil.which("java"), help="java binary (default: JAVA_HOME or PATH)")
    p.add_argument("--jvm-arg", action="append", default=[], help="extra JVM flag (repeatable), e.g. -Xshare:off")
    p.add_argument("--classpath", choices=["runtime", "flat"], default="runtime",
                   help="runtime: function code loaded by the RIC's CustomerClassLoader from the task root "
                        "(as in Lambda, default); flat: layout on -cp")
    p.add_argument("--skip-build", action="store_true", help="reuse bench/out/layout if present")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for one environment, default 120")
    p.add_argument("--pause", type=float, default=0.5, help="seconds between launches, default 0.5")
    p.add_argument("--json", help="also write raw results to this file")
    p.add_argument("--snapstart", action="store_true",
                   help="emulate a SnapStart init: AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, the RIC runs the "
                        "org.crac beforeCheckpoint hooks, then /restore/next; 'cold' becomes restore -> first "
                        "response (the VM restore itself is not emulated), 'init' start -> checkpoint")
    p.add_argument("--snapstart-keep-keys", action="store_true",
                   help="with --snapstart, still set AWS_ACCESS_KEY_ID & co. (Lambda does not for SnapStart "
                        "functions; this only lets code that needs them be measured)")
    p.add_argument("--appcds", action="store_true",
                   help="experiment: one training run per function writes a dynamic AppCDS archive "
                        "(bench/out/cds), measured runs use it")
    args = p.parse_args()
    if args.only_probes:
        args.probes = True

    os.makedirs(LOGS, exist_ok=True)
    build(args)
    template = read_template(os.path.join(ROOT, "template.yaml"))
    functions = functions_from_template(template)
    if args.functions:
        wanted = args.functions.split(",")
        unknown = [w for w in wanted if w not in functions]
        if unknown:
            raise SystemExit(f"not in template.yaml: {unknown}; functions: {list(functions)}")
        functions = {k: v for k, v in functions.items() if k in wanted}
    if args.only_probes:
        functions = {}
    for name, fn in functions.items():
        fn["event"] = os.path.join(BENCH, "events", f"{name}.json")
    overrides = dict(e.split("=", 1) for e in args.event)
    all_fns = {FLOOR: {"handler": "bench.EmptyHandler::handleRequest", "memory": 1024, "timeout": 60, "env": {},
                       "log_format": "JSON", "layout": os.path.join(LAYOUT, "empty"), "event": None}}
    all_fns.update(functions)
    if args.probes:
        for name, (env, _) in PROBES.items():
            all_fns[name] = {"handler": "bench.probe.ClientInitProbe::handleRequest", "memory": 1024, "timeout": 60,
                             "env": dict(env), "log_format": "JSON", "layout": os.path.join(LAYOUT, name),
                             "event": None}
    for name, fn in all_fns.items():
        if name in overrides:
            fn["event"] = os.path.abspath(overrides[name])
        if fn["event"] and not os.path.exists(fn["event"]):
            log(f"{name}: no event file {fn['event']}, sending {{}}")
            fn["event"] = None
    ric_cp = ":".join(sorted(os.path.join(RIC_DIR, j) for j in os.listdir(RIC_DIR) if j.endswith(".jar")))

    moto, endpoint = start_moto()
    try:
        values, fresh = seed(endpoint, template)
        for name, fn in all_fns.items():
            if name.startswith("Probe"):
                fn["env"].update(BENCH_PROBE_SECRET_ID=values["SECRET_ARN"],
                                 BENCH_PROBE_CONNECTION=values["CONNECTION_NAME"])
        names = list(all_fns)
        results = []
        if args.appcds:
            shutil.rmtree(os.path.join(OUT, "cds"), ignore_errors=True)
            os.makedirs(os.path.join(OUT, "cds"))
            for name in names:
                launch(name, all_fns[name], args, ric_cp, endpoint, values, fresh, 0)
            log("AppCDS archives: " + ", ".join(f"{n} {os.path.getsize(os.path.join(OUT, 'cds', n + '.jsa')) / 1e6:.1f} MB"
                                                for n in names if os.path.exists(os.path.join(OUT, "cds", n + ".jsa"))))
        log(f"{len(names)} functions x {args.runs} rounds, {args.warm} warm invocations each; java: {java_version(args.java)}")
        for round_no in range(1, args.runs + 1):
            # Round-robin, starting point rotated so no function always follows the same neighbour.
            order = names[round_no - 1:] + names[:round_no - 1]
            for name in order:
                time.sleep(args.pause)
                r = launch(name, all_fns[name], args, ric_cp, endpoint, values, fresh, round_no)
                results.append(r)
                log(f"round {round_no} {name}: cold {fmt(r['cold'])} ms (init {fmt(r['init'])}, "
                    f"invoke {fmt(r['invoke'])}) cpu {fmt(r['cpu'])} ms" + (f"  ERROR {r['error']}" if r['error'] else ""))
    finally:
        os.killpg(moto.pid, signal.SIGTERM)
        moto.wait()

    load = os.getloadavg()
    print()
    print(f"StepConnect cold starts: {args.runs} rounds, {args.warm} warm invocations per environment, "
          f"median values" + ("" if args.snapstart else " (cold = process start -> first response)"))
    if args.snapstart:
        print("SNAPSTART EMULATION: cold = restore -> first response (afterRestore + first invoke; add the "
              "micro-VM restore on Lambda), init = process start -> checkpoint (beforeCheckpoint included), "
              "CPU ms = after restore only; the floor goes through the same checkpoint/restore")
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"java: {java_version(args.java)}; classpath mode: {args.classpath}"
          + (f"; extra JVM flags: {' '.join(args.jvm_arg)}" if args.jvm_arg else ""))
    print()
    print(report(results, names, all_fns, args))
    print()
    print("Deployment package (what `sam build` uploads: classes at the root + lib/):")
    layouts = [("StepConnect functions (shared CodeUri)", os.path.join(LAYOUT, "app")),
               ("EmptyFunction (floor)", os.path.join(LAYOUT, "empty"))]
    if args.only_probes:
        layouts = []
    print(size_report(layouts))
    probe_lines = probe_report(results)
    if probe_lines:
        print()
        print(probe_lines)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


def probe_report(results):
    """Phase timings the probe handlers write to bench/out/logs/<probe>-<round>.phases (medians over rounds)."""
    phases = {}
    for r in results:
        path = r["log"][:-4] + ".phases"
        if not r["name"].startswith("Probe") or not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                doc = json.loads(line)
                phases.setdefault(r["name"], {}).setdefault(doc["phase"], []).append(doc)
    if not phases:
        return ""
    out = ["Init-cost probes (bench/probe): median per phase, wall ms / thread CPU ms / classes loaded in the phase"]
    for name, by_phase in phases.items():
        out.append(f"  {name}")
        for phase, docs in by_phase.items():
            out.append(f"    {phase:<46} {med([d['ms'] for d in docs]):>7.1f} ms  cpu {med([d['cpuMs'] for d in docs]):>7.1f} ms"
                       f"  {med([d['classes'] for d in docs]):>6.0f} classes")
    return "\n".join(out)


if __name__ == "__main__":
    main()
