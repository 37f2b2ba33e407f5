#!/usr/bin/env python3
"""Build the deid-letters corpus (PhysioNet "deid" gold format) from source.txt.

source.txt holds hand-written notes with inline gold markup:

    #### RECORD <patient> <note>
    Dear Dr. [[HCPName:Meenakshi Iyer]], my father [[RelativeProxyName:Suresh Nair]] ...

Lines before the first "#### RECORD" header, and lines starting with "%%",
are comments.  Each body runs until the next header; leading/trailing blank
lines are dropped and the body gets exactly one trailing newline.

The labels are the hand markup; this script only strips it and does the
offset arithmetic.  It writes, next to itself:

    id.text          START_OF_RECORD=<p>||||<n>||||\n<body>||||END_OF_RECORD\n
    id-phi.phrase    <p> <n> <start> <end> <type> <text>   (offsets into <body>)

Usage:  python bench/data/deid-letters/build.py [--check N]
"""
import collections
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ("PTName", "PTNameInitial", "RelativeProxyName", "HCPName", "Location",
         "Phone", "Date", "DateYear", "Age", "Other")
MARK = re.compile(r"\[\[(" + "|".join(TYPES) + r"):(.+?)\]\]")
HEADER = re.compile(r"^#### RECORD (\d+) (\d+)\s*$")


def parse(path):
    records, cur = [], None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = HEADER.match(line)
            if m:
                cur = [int(m.group(1)), int(m.group(2)), [], lineno]
                records.append(cur)
            elif cur is not None and not line.startswith("%%"):
                cur[2].append(line)
    return records


def strip_markup(src):
    out, spans, pos = [], [], 0
    n = 0
    for m in MARK.finditer(src):
        out.append(src[pos:m.start()])
        n += len(src[pos:m.start()])
        typ, text = m.group(1), m.group(2)
        spans.append((n, n + len(text), typ, text))
        out.append(text)
        n += len(text)
        pos = m.end()
    out.append(src[pos:])
    return "".join(out), spans


def main():
    records = parse(os.path.join(HERE, "source.txt"))
    records.sort(key=lambda r: (r[0], r[1]))  # PhysioNet order: patient, then note
    errors, seen = [], set()
    text_out, phrase_out = [], []
    counts = collections.Counter()
    words = []
    all_spans = []
    for p, n, lines, lineno in records:
        if (p, n) in seen:
            errors.append(f"line {lineno}: duplicate record {p} {n}")
        seen.add((p, n))
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        src = "\n".join(lines) + "\n"
        body, spans = strip_markup(src)
        for bad in ("[[", "]]", "||||", "START_OF_RECORD", "END_OF_RECORD"):
            if bad in body:
                errors.append(f"record {p} {n} (line {lineno}): leftover {bad!r}")
        if body[:1].isspace():
            errors.append(f"record {p} {n}: body starts with whitespace")
        for s, e, typ, t in spans:
            if body[s:e] != t:
                errors.append(f"record {p} {n}: offset mismatch {t!r}")
            if t != t.strip() or "\n" in t:
                errors.append(f"record {p} {n}: span has edge whitespace/newline {t!r}")
            counts[typ] += 1
            phrase_out.append(f"{p} {n} {s} {e} {typ} {t}\n")
            all_spans.append((p, n, s, e, typ, t, body))
        wc = len(body.split())
        words.append(wc)
        if not 30 <= wc <= 250:
            errors.append(f"record {p} {n}: {wc} words (want 30-250)")
        text_out.append(f"START_OF_RECORD={p}||||{n}||||\n{body}||||END_OF_RECORD\n")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    with open(os.path.join(HERE, "id.text"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(text_out)
    with open(os.path.join(HERE, "id-phi.phrase"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(phrase_out)
    patients = len({p for p, _, _, _ in records})
    print(f"notes: {len(records)}  patients: {patients}  words: {sum(words)} "
          f"(min {min(words)}, max {max(words)}, mean {sum(words) / len(words):.0f})")
    for typ in TYPES:
        print(f"  {typ:18s} {counts[typ]}")
    print(f"  {'TOTAL':18s} {sum(counts.values())}")
    if "--check" in sys.argv:
        k = int(sys.argv[sys.argv.index("--check") + 1])
        for p, n, s, e, typ, t, body in random.Random(0).sample(all_spans, min(k, len(all_spans))):
            ctx = body[max(0, s - 25):s] + "<<" + body[s:e] + ">>" + body[e:e + 25]
            print(f"{p} {n} {s} {e} {typ:17s} | {ctx!r}")


if __name__ == "__main__":
    main()
