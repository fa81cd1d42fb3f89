#!/usr/bin/python3
# Parses a /metrics answer with the Prometheus project's own text parser (Debian package
# python3-prometheus-client) and prints one line per family: "NAME TYPE SAMPLES".
# Exit 1 with the parser's message when the text does not parse.
import sys

from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
try:
    for family in text_string_to_metric_families(text):
        print(f"{family.name} {family.type} {len(family.samples)}")
except Exception as e:  # the parser raises ValueError and others on malformed input
    print(f"parse error: {e}")
    sys.exit(1)
