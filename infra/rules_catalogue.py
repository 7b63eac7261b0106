"""The rules catalogue in the README, generated from the installed policy packs.

First the sources: each published text the packs encode (or refer to), cited by title,
version, publisher, public address and the SHA-256 of the text encoded. Then for each pack
and each of its versions: the date it took effect, what it amended, every
command with the clause its event records and the rules checked (with their clauses), and
every compliance flag. The README holds it between two markers; a test fails when it drifts::

    python -m infra.rules_catalogue write    # regenerate the section in README.md
    python -m infra.rules_catalogue check    # exit 1 when README.md is out of date

(also ``oar-ledger policy catalogue [--check]``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from domain.policy.catalogue import describe
from domain.policy.registry import installed_packs
from domain.policy.sources import cited_texts

README = Path("README.md")
START = "<!-- rules-catalogue:start (generated: python -m infra.rules_catalogue write) -->"
END = "<!-- rules-catalogue:end -->"
DRIFT_HINT = "run `python -m infra.rules_catalogue write` and commit README.md"


class CatalogueError(Exception):
    """The README has no (or a broken) rules-catalogue section."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _version_section(info: dict[str, Any]) -> list[str]:
    since = f"in force from {info['effective_from']}" if info["effective_from"] else "undated, in force from the start"
    lines = [
        "<details>",
        f"<summary><b>{info['pack']} v{info['version']}</b>: {_cell(info['title'])} ({since})</summary>",
        "",
        f"Source: {_cited(info['source'])}. {info['amendment']}".rstrip(),
        "",
        "| command | clause recorded | rules checked, in order (rule: clause) |",
        "| --- | --- | --- |",
    ]
    for command in info["commands"]:
        rules = "; ".join(f"`{r['rule']}`: {r['clause']}" for r in command["rules"])
        lines.append(f"| `{command['command']}` | {_cell(command['clause'])} | {_cell(rules)} |")
    lines += ["", "| compliance flag | clause | settings |", "| --- | --- | --- |"]
    for flag in info["flags"]:
        settings = ", ".join(f"{k}={v}" for k, v in flag.items() if k not in ("flag", "clause"))
        lines.append(f"| `{flag['flag']}` | {_cell(flag['clause'])} | {settings} |")
    return [*lines, "", "</details>", ""]


def _cited(source: dict[str, Any]) -> str:
    return _cell(f"*{source['title']}*, {source['version']}, {source['publisher']}, <{source['address']}>")


def _sources_section() -> list[str]:
    texts = cited_texts(pack.source for versions in installed_packs().values() for pack in versions)
    lines = ["**Sources**", "", "| cited as | title | version | publisher | address | SHA-256 of the encoded text |",
             "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for text in texts:
        cited = f"`{text.cited_as}`" if text.cited_as else "(referred to)"
        lines.append(f"| {cited} | *{_cell(text.title)}* | {_cell(text.version)} | {_cell(text.publisher)} "
                     f"| <{text.address}> | `{text.sha256}` |")  # fmt: skip
    notes = [f"- *{_cell(text.title)}*: {_cell(text.note)}" for text in texts if text.note]
    return [*lines, "", *notes, ""] if notes else [*lines, ""]


def render_catalogue() -> str:
    """The generated section, markers included."""
    lines = [START, "", *_sources_section()]
    for versions in installed_packs().values():
        for pack in versions:
            lines += _version_section(describe(pack))
    return "\n".join([*lines, END])


def _split(text: str) -> tuple[str, str, str]:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise CatalogueError(f"no rules-catalogue section (between {START!r} and {END!r})")
    return text[:start], text[start : end + len(END)], text[end + len(END) :]


def check_catalogue(readme: Path = README) -> bool:
    """True when the README's section equals a fresh rendering."""
    return _split(readme.read_text(encoding="utf-8"))[1] == render_catalogue()


def write_catalogue(readme: Path = README) -> bool:
    """Rewrite the section; True if the README changed."""
    before, section, after = _split(readme.read_text(encoding="utf-8"))
    fresh = render_catalogue()
    if section == fresh:
        return False
    readme.write_text(before + fresh + after, encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.rules_catalogue",
                                     description="Generate or check the README's rules catalogue.")  # fmt: skip
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    if args.action == "write":
        print(f"{args.readme}: {'rules catalogue rewritten' if write_catalogue(args.readme) else 'up to date'}")
        return 0
    if check_catalogue(args.readme):
        print(f"{args.readme}: rules catalogue up to date")
        return 0
    print(f"{args.readme}: the rules catalogue differs from the packs; {DRIFT_HINT}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
