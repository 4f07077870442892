#!/usr/bin/python3
"""tests/docs/check_man_pages.py AUTHD AUTHCTL AUTHD_CONF_5

The man pages against the programs, both ways, so they cannot drift:
every option of `authd --help` is in authd(8) and every option authd(8)
lists is one authd takes; every command of `authctl --help` is in
authctl(8) and every command authctl(8) lists is one authctl takes; every
key of the option table (`authd --config-reference`) is in authd.conf(5)
under its section, and nothing else is.  Then each page is rendered by
man(1) and groff with warnings on, and any warning fails.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
authd, authctl, conf5 = sys.argv[1:4]
pages = {"authd.8": ROOT / "man/authd.8", "authctl.8": ROOT / "man/authctl.8",
         "authd.conf.5": pathlib.Path(conf5)}
failures = []


def section(text, name):
    """The roff source of one .SH section."""
    m = re.search(r"^\.SH " + name + r"\n(.*?)(?=^\.SH |\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def unroff(s):
    return s.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")


def compare(what, in_program, in_page):
    for name in sorted(in_program - in_page):
        failures.append(f"{what}: {name!r} is in the program but not in the man page")
    for name in sorted(in_page - in_program):
        failures.append(f"{what}: {name!r} is in the man page but not in the program")


# authd(8): the options.
usage = subprocess.run([authd, "--help"], capture_output=True, text=True, check=True).stdout
program = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-h)\b", usage))
options = unroff(section(pages["authd.8"].read_text(), "OPTIONS"))
page = set(re.findall(r"^\.(?:B|BI|BR) (--[a-z][a-z-]*|-h)", options, re.M))
page |= set(re.findall(r'^\.BR -h ", " (--[a-z][a-z-]*)', options, re.M))
compare("authd(8) options", program, page)

# authctl(8): the commands (one or two lower-case words at the start of a
# usage line).
usage = subprocess.run([authctl, "--help"], capture_output=True, text=True, check=True).stdout
program = set()
for line in usage.splitlines():
    m = re.match(r"^  ([a-z]+(?: [a-z]+)?)(?=\s|$)", line)
    if m and not line.startswith("   "):
        program.add(m.group(1))
commands = section(pages["authctl.8"].read_text(), "COMMANDS")
page = set(re.findall(r"^\.TP\n\\fB([a-z]+(?: [a-z]+)?)\\fR", commands, re.M))
compare("authctl(8) commands", program, page)

# authd.conf(5): every option, in its section.
reference = subprocess.run([authd, "--config-reference"], capture_output=True, text=True,
                           check=True).stdout
program = set(re.findall(r"^\| `\[(\w+)\] (\w+)` \|", reference, re.M))
page = set()
current = None
for line in section(pages["authd.conf.5"].read_text(), "OPTIONS").splitlines():
    m = re.match(r"^\.SS \[(\w+)\]$", line)
    if m:
        current = m.group(1)
    m = re.match(r"^\\fB(\w+)\\fR = ", line)
    if m:
        page.add((current, m.group(1)))
compare("authd.conf(5) options", {f"[{s}] {k}" for s, k in program},
        {f"[{s}] {k}" for s, k in page})

# Rendered without a warning by man(1) and by groff -ww.
for name, path in pages.items():
    for cmd in (["man", "--warnings", "-l", str(path)], ["groff", "-man", "-ww", "-z", str(path)]):
        r = subprocess.run(cmd, capture_output=True, text=True,
                           env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        if r.returncode != 0 or r.stderr.strip():
            failures.append(f"{' '.join(cmd[:-1])} {name}: {r.returncode} {r.stderr.strip()}")
        if cmd[0] == "man" and "NAME" not in r.stdout:
            failures.append(f"man -l {name} rendered nothing")

for f in failures:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
