#!/usr/bin/python3
"""Read the dipr1 advantages topic without any of this project's code.

Kafka: confluent-kafka. Avro: the Apache Avro Python library and the .avsc files in schemas/.
Each record value is Avro single-object encoding: C3 01, the 8-byte little-endian CRC-64-AVRO
fingerprint of the writer schema's Parsing Canonical Form, then the Avro binary body.

    /usr/bin/python3 examples/read_advantages.py --bootstrap-servers 127.0.0.1:9092

Debian packages: python3-confluent-kafka python3-avro. Prints one JSON line per scored group.
"""
import argparse
import io
import json
import pathlib
import re
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer, TopicPartition

EMPTY64 = 0xC15D213AA4D7A795  # the CRC-64-AVRO seed of the Avro specification


def _table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY64 & -(fp & 1))
        table.append(fp)
    return table


TABLE = _table()


def canonical(schema):
    """Parsing Canonical Form. Python avro 1.11 leaves a primitive that carried a logicalType as
    {"type":"long"}; the specification's [PRIMITIVES] rule makes it "long" (as Java does)."""
    return re.sub(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}', r'"\1"',
                  schema.canonical_form)


def fingerprint64(text):
    fp = EMPTY64
    for b in text.encode("utf-8"):
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


def load_schemas(directory):
    """Every .avsc under the directory (current and released), by fingerprint."""
    files = sorted(pathlib.Path(directory).rglob("*.avsc"))
    by_fingerprint = {}
    pending = list(files)
    # Named types refer to each other (ScoredGroup -> RolloutGroup -> Completion -> Box): parse in
    # dependency order by retrying until everything resolves.
    for _ in range(len(files) + 1):
        names = avro.schema.Names()
        parsed = {}
        for f in files:
            if f.parent.name.startswith("v") and f.parent.parent.name == "released":
                continue
            try:
                parsed[f] = avro.schema.make_avsc_object(json.loads(f.read_text()), names)
            except avro.errors.SchemaParseException:
                pass
        if len(parsed) == len([f for f in files if not (f.parent.parent.name == "released")]):
            break
    for f, s in parsed.items():
        by_fingerprint[fingerprint64(canonical(s))] = s
    for f in files:
        if f.parent.parent.name == "released":
            s = avro.schema.parse(f.read_text())
            by_fingerprint[fingerprint64(canonical(s))] = s
    return by_fingerprint


def decode(value, schemas):
    if len(value) < 10 or value[0] != 0xC3 or value[1] != 0x01:
        raise ValueError("not Avro single-object encoding")
    fp = int.from_bytes(value[2:10], "little")
    schema = schemas.get(fp)
    if schema is None:
        raise ValueError("unknown schema fingerprint %016x" % fp)
    return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="dipr1.advantages")
    ap.add_argument("--schemas", default=str(pathlib.Path(__file__).resolve().parent.parent / "schemas"))
    ap.add_argument("--max", type=int, default=0, help="stop after this many records (0: read to the end)")
    ap.add_argument("--timeout", type=float, default=30.0, help="give up after this many seconds")
    args = ap.parse_args()

    schemas = load_schemas(args.schemas)
    consumer = Consumer({"bootstrap.servers": args.bootstrap_servers, "group.id": "python-reader-%d" % time.time(),
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "isolation.level": "read_committed"})
    metadata = consumer.list_topics(args.topic, timeout=10)
    if args.topic not in metadata.topics or metadata.topics[args.topic].error is not None:
        print("topic %s not found" % args.topic, file=sys.stderr)
        return 2
    partitions = [TopicPartition(args.topic, p) for p in metadata.topics[args.topic].partitions]
    ends = {tp.partition: consumer.get_watermark_offsets(tp, timeout=10)[1] for tp in partitions}
    consumer.assign([TopicPartition(args.topic, p, 0) for p in ends])
    done = {p for p, end in ends.items() if end == 0}
    count = 0
    failures = 0
    deadline = time.time() + args.timeout
    while len(done) < len(ends) and time.time() < deadline and (args.max == 0 or count < args.max):
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        if msg.offset() + 1 >= ends[msg.partition()]:
            done.add(msg.partition())
        try:
            g = decode(msg.value(), schemas)
        except Exception as e:  # noqa: BLE001 - report every undecodable record and go on
            failures += 1
            print("undecodable record at %s/%d/%d: %s" % (msg.topic(), msg.partition(), msg.offset(), e),
                  file=sys.stderr)
            continue
        count += 1
        print(json.dumps({
            "group_id": g["group_id"],
            "policy_version": g["rollout"]["policy_version"],
            "reward_version": g["reward_version"],
            "zero_variance": g["zero_variance"],
            "advantages": [s["advantage"] for s in g["scores"]],
            "totals": [s["total"] for s in g["scores"]],
        }))
    consumer.close()
    print("read %d scored groups, %d undecodable" % (count, failures), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
