"""``voskhod saves list|show|delete``: manage save slots."""

from __future__ import annotations

import argparse
import json
import sys

from ..i18n import _
from .common import add_saves_option, store_for


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("saves", help=_("list, show or delete saves"), description=_("Manage save slots."))
    add_saves_option(p)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help=_("list save slots (the default)"))
    show = actions.add_parser("show", help=_("show one slot"))
    show.add_argument("slot")
    delete = actions.add_parser("delete", help=_("delete one slot"))
    delete.add_argument("slot")
    for a in (listing, show, delete):
        add_saves_option(a)
    p.set_defaults(func=run, action="list")


def run(args: argparse.Namespace) -> int:
    from ..engine.migrations import parse, upgrade
    from ..engine.saves import SaveError
    from ..story.diagnostics import visible

    store = store_for(args)
    if args.action == "list":
        infos = store.list()
        if not infos:
            print(_("No saves in {folder}").format(folder=store.directory))
        for info in infos:
            print(visible(info.describe()))  # a save file's titles may hold terminal escapes: shown, not obeyed
        return 0
    try:
        path = store.path(args.slot)
    except SaveError as exc:
        print(f"voskhod saves: {exc}", file=sys.stderr)
        return 2
    if args.action == "show":
        if not path.exists():
            print(f"voskhod saves: {store.no_such_save(args.slot)}", file=sys.stderr)
            return 1
        info = store.inspect(path)
        print(visible(info.describe()))
        print("  " + _("file: {path}").format(path=info.path))
        if info.ok:
            document = store.read_document(path)
            run, _marks = parse(upgrade(document["game"], None))  # a first-release save reads the same
            story = _("story: {id} (fingerprint {fingerprint})").format(id=info.story_id, fingerprint=info.fingerprint)
            print("  " + visible(story))
            print("  " + visible(_("beat: {beat}").format(beat=info.beat)))
            print("  " + _("mission time: {time}").format(time=info.mission_time))
            print("  " + _("choices made: {n}").format(n=len(run.history)))
            print("  " + _("values: {values}").format(values=json.dumps({**run.meters, **run.flags})))
        return 0 if info.ok else 1
    try:
        removed = store.delete(args.slot)
    except SaveError as exc:
        print(f"voskhod saves: {exc}", file=sys.stderr)
        return 1
    print(_("Deleted {path}").format(path=removed))
    return 0
