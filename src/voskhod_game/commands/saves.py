"""``voskhod saves list|show|delete``: manage save slots."""

from __future__ import annotations

import argparse
import json
import sys

from ..i18n import _
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
            print(_("No saves yet in {directory}.").format(directory=store.directory))
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
            missing = _("there is no save called “{slot}” in {directory}").format(
                slot=args.slot, directory=store.directory
            )
            print(f"voskhod saves: {missing}", file=sys.stderr)
            return 1
        info = store.inspect(path)
        print(info.describe())
        print("  " + _("file: {path}").format(path=info.path))
        if info.ok:
            document = store.read_document(path)
            game = document["game"]
            run = (
                game["run"] if isinstance(game.get("run"), dict) else game
            )  # format 1 kept steps and values at the top
            steps = run.get("history", run.get("steps", []))
            meters = run.get("meters") or {k: v for k, v in run.get("values", {}).items() if k != "elapsed"}
            for line in (
                _("story: {story} (fingerprint {fingerprint})").format(
                    story=info.story_id, fingerprint=info.fingerprint
                ),
                _("beat: {beat}").format(beat=info.beat),
                _("mission time: {time}").format(time=info.mission_time),
                _("choices made: {count}").format(count=len(steps)),
                _("values: {values}").format(values=json.dumps(meters)),
            ):
                print("  " + line)
        return 0 if info.ok else 1
    try:
        removed = store.delete(args.slot)
    except SaveError as exc:
        print(f"voskhod saves: {exc}", file=sys.stderr)
        return 1
    print(_("Deleted {path}").format(path=removed))
    return 0
