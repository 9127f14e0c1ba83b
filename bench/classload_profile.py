#!/usr/bin/env python3
"""Classes loaded per library, from a JVM log written with
   -Xlog:class+load=info:file=<path>:uptime   (e.g. bench/run.sh --jvm-arg=-Xlog:class+load=info:file=/tmp/cl-%p.log:uptime)
Usage: bench/classload_profile.py LOG [LOG...]"""
import re
import sys
from collections import Counter

GROUPS = [
    ("dev.stepconnect.", "StepConnect code"), ("bench.", "bench handler"),
    ("software.amazon.awssdk.thirdparty.jackson", "SDK: shaded jackson-core (JSON protocol)"),
    ("software.amazon.awssdk.services.", "SDK: service clients (models, marshallers, endpoint rules)"),
    ("software.amazon.awssdk.http.auth", "SDK: auth / SigV4 signing"), ("software.amazon.awssdk.http.urlconnection", "SDK: url-connection client"),
    ("software.amazon.awssdk.http.crt", "SDK: CRT client"), ("software.amazon.awssdk.crt", "aws-crt (native)"),
    ("software.amazon.awssdk.regions", "SDK: regions"), ("software.amazon.awssdk.profiles", "SDK: profiles"),
    ("software.amazon.awssdk.protocols", "SDK: protocols"), ("software.amazon.awssdk.core", "SDK: sdk-core"),
    ("software.amazon.awssdk.awscore", "SDK: aws-core"), ("software.amazon.awssdk.retries", "SDK: retries"),
    ("software.amazon.awssdk.utils", "SDK: utils"), ("software.amazon.awssdk.", "SDK: other"),
    ("com.fasterxml.jackson.jr", "jackson-jr"), ("com.fasterxml.jackson.core", "jackson-core"),
    ("com.amazonaws.services.lambda.runtime.serialization", "RIC: serialization"),
    ("com.amazonaws.", "RIC / lambda-core"), ("sun.security.", "JDK: security / TLS / crypto"),
    ("javax.net.ssl", "JDK: security / TLS / crypto"), ("javax.crypto", "JDK: security / TLS / crypto"),
    ("java.security", "JDK: security / TLS / crypto"), ("com.sun.crypto", "JDK: security / TLS / crypto"),
    ("sun.net.", "JDK: networking"), ("java.net.", "JDK: networking"), ("java.lang.invoke", "JDK: invoke / lambdas"),
    ("java.", "JDK: other"), ("sun.", "JDK: other"), ("jdk.", "JDK: other"), ("javax.", "JDK: other"),
    ("com.sun.", "JDK: other"),
]
LINE = re.compile(r"^\[([\d.]+)s\].*?\s(\S+) source: (.*)$")


def group(cls):
    if "$$Lambda" in cls or "LambdaForm" in cls or cls.startswith("java.lang.invoke"):
        return "JDK: invoke / lambdas"
    for prefix, name in GROUPS:
        if cls.startswith(prefix):
            return name
    return "other"


for path in sys.argv[1:]:
    counts, shared = Counter(), Counter()
    last = 0.0
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            last = float(m.group(1))
            g = group(m.group(2))
            counts[g] += 1
            if "shared objects file" in m.group(3):
                shared[g] += 1
    print(f"{path}: {sum(counts.values())} classes, last loaded at {last * 1000:.0f} ms JVM uptime")
    for g, n in counts.most_common():
        print(f"  {n:>6}  {g}" + (f"   ({shared[g]} from CDS)" if shared[g] else ""))
