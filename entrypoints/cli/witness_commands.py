"""`witness`: an independent witness's own commands (init, status, cosign: its own directory,
no ledger database), and `witness attach` for the ledger operator to store a cosignature."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.evidence_support import evidence_errors, say
from entrypoints.cli.output_files import write_text
from entrypoints.render import err

witness_app = typer.Typer(help="An independent witness that cosigns checkpoints (C2SP tlog-cosignature).",
                          no_args_is_help=True)
Dir = Annotated[Path, typer.Option("--dir", metavar="DIR", help="The witness's own directory (key and state).")]


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as problem:
        raise CliError(f"cannot read {path}: {problem.strerror}") from None
    except UnicodeDecodeError:
        raise CliError(f"invalid: {path} is not UTF-8 text", ExitCode.INTEGRITY) from None


@witness_app.command("init")
def witness_init(
    directory: Dir,
    name: Annotated[str, typer.Option("--name", help="The witness's key name, e.g. audit.example.org/w1.")],
    log_key: Annotated[list[str], typer.Option("--log-key", help="The ledger's verifier key(s) (keys public).")],
    origin: Annotated[str, typer.Option("--origin", help="The ledger's checkpoint origin.")] = "oar-ledger.alumni.cern/oar.ledger.v1",
) -> None:
    """Create the witness's key and state; print its verifier key (give it to auditors)."""
    from service.evidence.witness import init_witness

    if (directory / "state.json").exists():
        raise CliError(f"a witness already lives in {directory}")
    with evidence_errors():
        print(init_witness(directory, name, origin, log_key))


@witness_app.command("status")
def witness_status(directory: Dir) -> None:
    """The last checkpoint this witness cosigned (the ledger proves consistency from its size)."""
    from service.evidence.witness import load_state, witness_key

    with evidence_errors():
        current, key = load_state(directory), witness_key(directory)
    say(f"witness {key.vkey()}\nlog {current.origin}\nlast cosigned size {current.size} root {current.root}\n"
        f"next request: oar-ledger prove --consistency {current.size} NEWEST --out request.json")


@witness_app.command("cosign")
def witness_cosign(
    directory: Dir,
    request: Annotated[Path, typer.Argument(help="A consistency proof from the witness's size (prove --consistency).")],
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the cosigned checkpoint here.")] = None,
) -> None:
    """Cosign the request's new checkpoint if it extends the last one cosigned; exit 7 if not."""
    from service.evidence.witness import cosign_request

    try:
        document = json.loads(_read(request))
    except (ValueError, RecursionError) as problem:
        raise CliError(f"invalid: not a JSON request ({str(problem)[:200]})", ExitCode.INTEGRITY) from None
    with evidence_errors():
        note = cosign_request(directory, document, int(datetime.now(UTC).timestamp()))
    if out_file is not None:
        write_text(out_file, note)
    say(note, end="")


@witness_app.command("attach")
def witness_attach(
    ctx: typer.Context,
    cosigned: Annotated[Path, typer.Argument(help="A checkpoint cosigned by a witness (witness cosign --out).")],
) -> None:
    """(Ledger side) Store a witness's cosignature with its checkpoint; it is published again."""
    from service.evidence.cosigned import attach_cosignature

    with evidence_errors():
        size = attach_cosignature(state(ctx).ledger.engine, _read(cosigned))
    err.print(f"cosignature attached to checkpoint {size}", markup=False)


@witness_app.command("watch")
def witness_watch(
    ctx: typer.Context,
    directory: Dir,
    exchange: Annotated[Path, typer.Option("--exchange", metavar="DIR", help="The folder where requests (prove --consistency --out) are dropped; cosignatures and refusals are written next to them.")],
    interval: Annotated[float, typer.Option("--interval", min=0.1, max=3600, help="Seconds between two looks at the exchange folder.")] = 5.0,
    settle: Annotated[float, typer.Option("--settle", min=0, max=600, help="Seconds a request must be left unchanged before it is read (it may still be being written).")] = 1.0,
) -> None:
    """Run the witness as a service: cosign each request dropped in the exchange folder (NAME.json ->
    NAME.cosigned.txt, for `witness attach`), or refuse it (why in NAME.refused.txt); each file once.
    /healthz and /readyz on OAR_METRICS_PORT; SIGTERM or Ctrl-C stops it."""
    from entrypoints.cli.witness_watch import run_watch

    signal_name = run_watch(state(ctx).settings, directory, exchange, interval, settle)
    err.print(f"witness stopped by {signal_name}", markup=False)
