"""Command-line entry point: dispatches to one command module, imported lazily.

Git starts one merge-driver process per notebook, so `nbteam merge-driver` must import
only what the merge needs. Each command lives in its own module exposing
`add_arguments(parser)` and `run(args) -> int`; this file imports just the one asked for.
"""
from __future__ import annotations

import sys

# name -> (module, one-line help). Modules are imported only when their command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "merge": ("nbteam.commands.merge", "three-way merge of notebooks (BASE OURS THEIRS)"),
    "merge-driver": ("nbteam.commands.merge_driver", "git merge driver: %O %A %B %L %P %S %X %Y"),
    "conflicts": ("nbteam.commands.conflicts", "list conflicts left in merged notebooks (exit 1 if any)"),
    "resolve": ("nbteam.commands.resolve", "resolve conflicts: --ours, --theirs or --both per region, or a merge tool"),
    "diff": ("nbteam.commands.diff", "cell-aware diff of two notebooks or git revisions"),
    "diff-driver": ("nbteam.commands.diff_driver", "git diff driver (GIT_EXTERNAL_DIFF arguments)"),
    "clean": ("nbteam.commands.filter", "clean filter: strip outputs from stdin to stdout"),
    "filter-process": ("nbteam.commands.filter", "git long-running filter process (filter.nbteam.process)"),
    "init": ("nbteam.commands.init", "register nbteam's git drivers and filter in this repository"),
    "uninstall": ("nbteam.commands.init", "remove exactly what `nbteam init` added"),
    "hook": ("nbteam.commands.hook", "what nbteam's git hooks run (pre-commit guard, outputs kept in the working copy)"),
    "check": ("nbteam.commands.check", "find committed outputs, conflict markers and broken notebooks (CI, pre-commit)"),
    "pr": ("nbteam.commands.pr", "predict (check) or make (merge) a pull request's merge with nbteam's driver"),
    "doctor": ("nbteam.commands.doctor", "check the git configuration nbteam depends on"),
    "demo": ("nbteam.commands.demo", "build a demo repository from sample_repo/ and merge two branches"),
    "scratch": ("nbteam.commands.scratch", "create and list team scratchpads"),
    "promote": ("nbteam.commands.promote", "promote %%writefile cells into shared modules"),
    "tui": ("nbteam.commands.tui", "browse everyone's scratch cells and promote them"),
}


def _usage() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = ["usage: nbteam COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run `nbteam COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run one nbteam command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    if argv[0] in ("-V", "--version"):
        from nbteam import __version__

        print(f"nbteam {__version__}")
        return 0
    name = argv[0]
    if name not in COMMANDS:
        print(f"nbteam: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    from nbteam.errors import NbteamError

    try:
        return _run(name, argv[1:])
    except NbteamError as e:  # the one place a user-facing failure is printed, fast path included
        print(f"nbteam {name}: {e}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:  # a dependency missing from this interpreter (not a bug of the input)
        print(f"nbteam {name}: {sys.executable} cannot import {e.name} (install nbteam's dependencies into it,"
              f" or run nbteam from the environment it is installed in)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _run(name: str, args: list[str]) -> int:
    """Import one command and run it: its fast path (merge driver, hooks: no argparse), else argparse."""
    __import__(COMMANDS[name][0])  # not importlib: one import less on every driver and hook start
    module = sys.modules[COMMANDS[name][0]]
    fast = getattr(module, "fast_run", None)
    code = fast(args) if fast else None
    if code is not None:
        return code
    import argparse

    parser = argparse.ArgumentParser(prog=f"nbteam {name}", description=COMMANDS[name][1])
    module.add_arguments(parser, name)
    parsed = parser.parse_args(args)
    parsed.command = name
    return int(module.run(parsed) or 0)

if __name__ == "__main__":
    sys.exit(main())
