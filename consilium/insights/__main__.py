"""Command line: `python -m consilium.insights extract FILE [--json]`.

Runs reading and extraction on one file with no web server and no database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consilium.insights")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="read one PDF or image and print its facts")
    extract.add_argument("file", type=Path)
    extract.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    # The reasons and work-up texts go through gettext, which needs Django's app registry;
    # setting it up touches no database.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consilium.config.settings")
    import django

    django.setup()
    # Imported only after django.setup(): the readers' messages need the app registry.
    from consilium.insights.extract import content_type_for, extract_document

    data = args.file.read_bytes()
    result = extract_document(data, content_type_for(args.file, data[:8])).as_dict()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(result["text"])
    print()
    for lab in result["labs"]:
        flag = "" if lab["flag"] == "none" else f"  [{lab['flag']}]"
        print(f"{lab['name']}: {lab['value']:g} {lab['unit']}{flag}")
    for marker in result["biomarkers"]:
        if marker["assertion"] == "stated":
            print(f"{marker['name']}: {marker['status']} {marker.get('value', '')}".rstrip())
        else:
            print(f"{marker['name']}: ({marker['assertion'].replace('_', ' ')})")
    for item in result["missing_investigations"]:
        print(f"Missing: {item['item']} — {item['why']}")
    for item in result["recommended_by_report"]:
        print(f"Asked for by the report: {item['item']} — {item['why']}")
    for reason in result["urgent"]:
        print(f"URGENT: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
