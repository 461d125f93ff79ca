#!/usr/bin/env python3
"""Benchmark the git audit trail side by side with git itself.

Generates a log of N actions (default 10,000) and N commits that each change one action's status,
through `git fast-import`, then times `oslog history 42` against `git log --format=%H --
actions/042.yaml`, and `oslog log --field status` against `git log --raw --format=%H -- actions/`.

Usage: scripts/bench-history.py [--actions N] [--commits N] [--oslog PATH] [DIR]
"""
import argparse, os, subprocess, sys, tempfile, time

THEMES = 'themes:\n  - key: governance\n    name: Governance\n    colour: "#1f77b4"\n'
STATUSES = ["not-started", "ongoing", "proposed-complete", "complete"]


def action(i, status):
    return (f"id: {i}\ntitle: Action number {i}\ntheme: governance\nraised: 2019-01\n"
            f"deadline: 2019-07\nstatus: {status}\n")


def blob(text):
    data = text.encode()
    return b"data %d\n" % len(data) + data + b"\n"


def stream(actions, commits):
    t = 1_546_300_800
    out = [b"commit refs/heads/main\n",
           b"committer Ann <ann@example.org> %d +0000\n" % t, blob("Start the log")]
    out.append(b"M 100644 inline themes.yaml\n" + blob(THEMES))
    for i in range(1, actions + 1):
        out.append(b"M 100644 inline actions/%03d.yaml\n" % i + blob(action(i, STATUSES[0])))
    yield b"".join(out)
    state = [0] * (actions + 1)
    for n in range(commits):
        i = (n * 7919) % actions + 1
        state[i] = (state[i] + 1) % len(STATUSES)
        yield (b"commit refs/heads/main\n" +
               b"committer Bob <bob@example.org> %d +0000\n" % (t + 60 * (n + 1)) +
               blob(f"Move {i}") +
               b"M 100644 inline actions/%03d.yaml\n" % i + blob(action(i, STATUSES[state[i]])))


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--actions", type=int, default=10_000)
    p.add_argument("--commits", type=int, default=10_000)
    p.add_argument("--oslog", default="target/release/oslog")
    p.add_argument("dir", nargs="?")
    a = p.parse_args()
    oslog = os.path.abspath(a.oslog)
    root = a.dir or tempfile.mkdtemp(prefix="oslog-bench-")
    if not os.path.exists(os.path.join(root, ".git")):
        subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
        fi = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
        for chunk in stream(a.actions, a.commits):
            fi.stdin.write(chunk)
        fi.stdin.close()
        if fi.wait() != 0:
            sys.exit("git fast-import failed")
        subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    pairs = [
        ("history 42", [oslog, "history", "42", "--format", "json"],
         ["git", "log", "--format=%H", "--", "actions/042.yaml"]),
        ("status log", [oslog, "log", "--field", "status", "--format", "json"],
         ["git", "log", "--raw", "--format=%H", "--", "actions/"]),
    ]
    print(f"log at {root}: {a.actions} actions, {a.commits} commits")
    for name, ours, theirs in pairs:
        o, g = timed(ours, root), timed(theirs, root)
        print(f"{name:12} oslog {o:7.3f}s   git {g:7.3f}s   ratio {o / g:5.2f}")


if __name__ == "__main__":
    main()
