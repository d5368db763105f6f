"""``voskhod saves list|show|delete``: manage save slots."""

from __future__ import annotations

import argparse
import json
import sys

from .common import add_saves_option, store_for


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("saves", help="list, show or delete saves", description="Manage save slots.")
    add_saves_option(p)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list save slots (the default)")
    show = actions.add_parser("show", help="show one slot")
    show.add_argument("slot")
    delete = actions.add_parser("delete", help="delete one slot")
    delete.add_argument("slot")
    for a in (listing, show, delete):
        add_saves_option(a)
    p.set_defaults(func=run, action="list")


def run(args: argparse.Namespace) -> int:
    from ..engine.saves import SaveError

    store = store_for(args)
    if args.action == "list":
        infos = store.list()
        if not infos:
            print(f"No saves in {store.directory}")
        for info in infos:
            print(info.describe())
        return 0
    try:
        path = store.path(args.slot)
    except SaveError as exc:
        print(f"voskhod saves: {exc}", file=sys.stderr)
        return 2
    if args.action == "show":
        if not path.exists():
            print(f"voskhod saves: there is no save called “{args.slot}” in {store.directory}", file=sys.stderr)
            return 1
        info = store.inspect(path)
        print(info.describe())
        print(f"  file: {info.path}")
        if info.ok:
            document = store.read_document(path)
            game = document["game"]
            print(f"  story: {info.story_id} (fingerprint {info.fingerprint})")
            print(f"  beat: {info.beat}")
            print(f"  mission time: {info.mission_time}")
            print(f"  choices made: {len(game.get('steps', []))}")
            meters = {k: v for k, v in game.get("values", {}).items() if k != "elapsed"}
            print(f"  values: {json.dumps(meters)}")
        return 0 if info.ok else 1
    try:
        removed = store.delete(args.slot)
    except SaveError as exc:
        print(f"voskhod saves: {exc}", file=sys.stderr)
        return 1
    print(f"Deleted {removed}")
    return 0
