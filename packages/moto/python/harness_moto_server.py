"""moto server, with harness's fixes to it applied first.

Usage (what @harness/testing's startMotoServer runs):

    .venv/bin/python packages/moto/python/harness_moto_server.py -H 127.0.0.1 -p 4566
    .venv/bin/python packages/moto/python/harness_moto_server.py --no-harness-fixes -H 127.0.0.1 -p 4566
    .venv/bin/python packages/moto/python/harness_moto_server.py --without-harness-fix fix_sfn_sync_retry -H 127.0.0.1 -p 4566

Every module named ``fix_*.py`` beside this file is one fix: a place where
moto (the pinned version in requirements-dev.txt) differs from AWS in a way
the harness tests depend on. Each module's docstring says what AWS does,
what moto does instead, and how the fix bridges the two; each has a test
that shows the difference on an unfixed server, so an upgrade of moto that
makes a fix unnecessary is noticed. ``--no-harness-fixes`` runs moto as it is;
``--without-harness-fix NAME`` (repeatable) leaves out one fix, for a test that shows
what that fix does on a server that has all the others.
"""

import importlib
import pathlib
import sys


def _fix_modules() -> list[str]:
    here = pathlib.Path(__file__).resolve().parent
    return sorted(path.stem for path in here.glob("fix_*.py"))


def main() -> None:
    argv = []
    apply_fixes = True
    left_out: set[str] = set()
    args = iter(sys.argv[1:])
    for arg in args:
        if arg == "--no-harness-fixes":
            apply_fixes = False
        elif arg == "--without-harness-fix":
            left_out.add(next(args, ""))
        else:
            argv.append(arg)
    unknown = left_out - set(_fix_modules())
    if unknown:
        sys.exit(f"[harness] no such moto fix: {', '.join(sorted(unknown))} (fixes: {', '.join(_fix_modules())})")
    applied = []
    if apply_fixes:
        for name in _fix_modules():
            if name in left_out:
                continue
            importlib.import_module(name).apply()
            applied.append(name)
    print(
        f"[harness] moto fixes applied: {', '.join(applied) or 'none'}",
        file=sys.stderr,
        flush=True,
    )

    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
