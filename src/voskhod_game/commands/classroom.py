"""``voskhod classroom``: host a shared session, join one from a terminal, export one."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from ..i18n import _
from .common import add_story_option, load_or_report, story_arg, write_or_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "classroom",
        help=_("play together: the teacher hosts, students vote from phones or terminals"),
        description=_("A shared game for a class: the teacher hosts on the projector, students vote on every choice."),
    )
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    csub = p.add_subparsers(dest="classroom_command", metavar="COMMAND")

    host = csub.add_parser("host", help=_("host a session (teacher)"), description=_("Host a classroom session."))
    add_story_option(host)
    host.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1; 0.0.0.0 for the school network)"),
    )
    host.add_argument("--port", type=int, default=8765, help=_("port to listen on (default 8765; 0 picks a free one)"))
    host.add_argument("--db", metavar="FILE", help=_("session database: start it again with the same file to resume"))
    host.add_argument(
        "--url", help=_("the address students open, when the one shown is not reachable (e.g. behind a proxy)")
    )
    host.add_argument("--seed", type=int, help=_("seed for chance outcomes"))
    host.add_argument(
        "--seconds", type=int, default=30, metavar="N", help=_("length of a vote on the teacher screen (default 30)")
    )
    host.add_argument("--max-students", type=int, default=250, metavar="N", help=_("room size (default 250)"))
    host.add_argument(
        "--wrong-codes-per-minute",
        "--joins-per-minute",  # its name before only failures counted; kept so scripts go on working
        dest="wrong_codes_per_minute",
        type=int,
        default=20,
        metavar="N",
        help=_(
            "wrong join codes allowed per address a minute (default 20); joins that succeed are never"
            " limited, so a whole class behind one address gets in"
        ),
    )
    host.add_argument(
        "--blocked-names",
        metavar="FILE",
        help=_(
            "more words refused in nicknames, one a line (*word* matches inside a name too);"
            " added to a small built-in list"
        ),
    )
    host.add_argument(
        "--headless",
        action="store_true",
        help=_("no teacher screen: print one JSON line with url, code and host_secret"),
    )
    host.set_defaults(func=run_host)

    join = csub.add_parser(
        "join", help=_("join a session from a terminal (student)"), description=_("Join a classroom session.")
    )
    join.add_argument("url", metavar="URL", help=_("the address on the projector, e.g. http://192.168.1.20:8765/"))
    join.add_argument("--code", required=True, help=_("the join code on the projector"))
    join.add_argument("--name", default="", help=_("your nickname (a generated one if left out)"))
    join.set_defaults(func=run_join)

    export = csub.add_parser(
        "export", help=_("export a session's tallies and path"), description=_("Export a session.")
    )
    export.add_argument("db", metavar="FILE", help=_("the session database (--db of the host)"))
    add_story_option(export)
    export.add_argument("--format", choices=("md", "csv"), default="md", help=_("Markdown (default) or CSV"))
    export.add_argument("--students", action="store_true", help=_("add each student's votes (nicknames only)"))
    export.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of stdout"))
    export.set_defaults(func=run_export)


def run_host(args: argparse.Namespace) -> int:
    ranges = (
        ("--port", args.port, 0, 65535),
        ("--seconds", args.seconds, 5, 600),
        ("--wrong-codes-per-minute", args.wrong_codes_per_minute, 1, 100_000),
    )
    for option, value, low, high in ranges:
        if not low <= value <= high:
            return _host_refuses(_("{option} must be from {low} to {high}").format(option=option, low=low, high=high))
    if args.max_students < 1:
        return _host_refuses(_("{option} must be at least 1").format(option="--max-students"))
    from ..classroom.nicknames import NameFilter

    try:
        names = NameFilter.builtin(Path(args.blocked_names) if args.blocked_names else None)
    except OSError as exc:
        return _host_refuses(
            _("cannot read --blocked-names {path}: {reason}").format(
                path=args.blocked_names, reason=exc.strerror or exc
            )
        )
    if not args.headless and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _host_refuses(
            _(
                "the teacher screen needs a terminal. To run without one, use --headless"
                " (it prints the host secret on stdout: keep that output private)."
            )
        )
    story = load_or_report(story_arg(args), args)
    if story is None:
        return 1
    from ..classroom.host import open_classroom
    from ..classroom.store import StoreError

    try:
        room = open_classroom(story, args.db, seed=args.seed, max_students=args.max_students, names=names)
    except StoreError as exc:
        print(f"voskhod classroom host: {exc}", file=sys.stderr)
        return 1
    resume = resume_command(args, room.store.path)
    if args.headless:
        from ..classroom.host import run_headless

        return run_headless(room, args.host, args.port, args.url, args.wrong_codes_per_minute, resume)
    from ..classroom.teacher import run_teacher

    return run_teacher(room, args.host, args.port, args.url, args.seconds, args.wrong_codes_per_minute, resume)


def _host_refuses(problem: str) -> int:
    """A usage problem of ``classroom host``: one line on stderr, exit status 2."""
    print(f"voskhod classroom host: {problem}", file=sys.stderr)
    return 2


def resume_command(args: argparse.Namespace, db: Path) -> str:
    """The exact command that starts this session again (same file, same options; no --seed:
    the game's dice are in the file)."""
    argv = ["voskhod", "classroom", "host", "--db", str(db.resolve())]
    story = story_arg(args)
    if story:
        argv += ["--story", str(Path(story).resolve())]
    options = (
        ("--host", args.host, "127.0.0.1"),
        ("--port", args.port, 8765),
        ("--url", args.url, None),
        ("--seconds", args.seconds, 30),
        ("--max-students", args.max_students, 250),
        ("--wrong-codes-per-minute", args.wrong_codes_per_minute, 20),
        ("--blocked-names", str(Path(args.blocked_names).resolve()) if args.blocked_names else None, None),
    )
    for flag, value, default in options:
        if value is not None and value != default:
            argv += [flag, str(value)]
    if args.headless:
        argv.append("--headless")
    return shlex.join(argv)


def run_join(args: argparse.Namespace) -> int:
    from ..classroom.student import run_student, ws_url

    try:
        url = ws_url(args.url)
    except ValueError as exc:
        print(f"voskhod classroom join: {exc}", file=sys.stderr)
        return 2
    from ..story.translation import check_language
    from .common import requested_language

    lang, explicit = requested_language(args)
    try:
        lang = check_language(lang) if lang else ""
    except ValueError as exc:
        if explicit:
            print(f"voskhod classroom join: {exc}", file=sys.stderr)
            return 2
        lang = ""  # an odd locale: the teacher's language
    return run_student(url, args.code, args.name, lang)


def run_export(args: argparse.Namespace) -> int:
    from ..classroom.export import to_csv, to_markdown
    from ..classroom.rules import Classroom
    from ..classroom.store import Store, StoreError

    if not Path(args.db).is_file():
        print("voskhod classroom export: " + _("no session database at {path}").format(path=args.db), file=sys.stderr)
        return 1
    # CSV is for spreadsheets and scripts: the story's own words; Markdown is read, in the language asked for
    story = load_or_report(story_arg(args), args if args.format == "md" else None)
    if story is None:
        return 1
    try:
        store = Store(args.db)
        if store.load_session() is None:
            print("voskhod classroom export: " + _("{path} holds no session").format(path=args.db), file=sys.stderr)
            return 1
        room = Classroom.open(story, store, grace=False)
    except StoreError as exc:
        print(f"voskhod classroom export: {exc}", file=sys.stderr)
        return 1
    text = (to_csv if args.format == "csv" else to_markdown)(room, students=args.students)
    store.close()
    if args.output:
        return write_or_report("classroom export", args.output, text)
    sys.stdout.write(text)
    return 0
