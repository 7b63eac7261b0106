"""Tamper-evidence commands: signing keys, checkpoints and ``verify`` (proofs are in
``proof_commands``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bootstrap import checkpoint_now
from entrypoints.cli.context import CliState, state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.output_files import write_text
from entrypoints.render import err, line, print_json
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.errors import EvidenceError, KeyFileError, MissingSigningKey, NotCovered
from infra.evidence.keys import generate_key
from service.evidence.audit_trail import AuditTrailSource
from infra.evidence.signing import configured_verifier, load_signer, read_verifier_key, signing_key_path

keys_app = typer.Typer(help="The Ed25519 key that signs checkpoints.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
KeyOption = Annotated[
    str | None, typer.Option("--key", help="Verifier key (name+hash+base64) or a file holding it.")
]
PROGRESS_FROM = 5000
"""Ledgers with at least this many events get a progress bar (on stderr)."""


@contextmanager
def evidence_errors() -> Iterator[None]:
    """Evidence errors as CLI exit codes: 2 no key, 4 not covered, 7 integrity."""
    try:
        yield
    except MissingSigningKey as problem:
        raise CliError(str(problem), ExitCode.USAGE) from None
    except NotCovered as problem:
        raise CliError(str(problem), ExitCode.NOT_FOUND) from None
    except KeyFileError as problem:
        raise CliError(str(problem), ExitCode.USAGE) from None
    except EvidenceError as problem:  # TamperError, a bad signature or proof
        raise CliError(f"integrity: {problem}", ExitCode.INTEGRITY) from None


def say(text: str, **kwargs: object) -> None:
    """Plain text on stdout: no rich markup, highlighting or hard wrapping (hashes stay whole)."""
    line(text, **kwargs)


def audit_trail_source(cli: CliState) -> AuditTrailSource | None:
    """The projections' audit trail checked by ``verify`` (their engine closes with the ledger)."""
    from bootstrap import build_projection_engine
    from service.evidence.audit_trail import ProjectionAuditTrail

    engine = build_projection_engine(cli.settings)
    cli.ledger.closers.append(engine.dispose)
    return ProjectionAuditTrail(engine)


@keys_app.command("init")
def keys_init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key (old checkpoints need the old one).")] = False,
) -> None:
    """Create the checkpoint-signing key; print its public verifier key."""
    settings = state(ctx).settings
    path = signing_key_path(settings)
    if path.exists() and not force:
        raise CliError(f"a signing key already exists at {path}; --force replaces it (checkpoints signed "
                       "with the old key then verify only with the old verifier key)")  # fmt: skip
    with evidence_errors():
        vkey = generate_key(path, settings.signing_key_name, overwrite=force)
    err.print(f"signing key written to {path} (mode 0600); publish the verifier key below", markup=False)
    print(vkey)


@keys_app.command("public")
def keys_public(
    ctx: typer.Context,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the verifier key to this file.")] = None,
) -> None:
    """Print the public verifier key of the signing key (what auditors verify with)."""
    with evidence_errors():
        vkey = load_signer(state(ctx).settings).verifier_key()
    if out_file is not None:
        write_text(out_file, vkey + "\n")
        line(f"verifier key written to {out_file}", stream=err)
    print(vkey)


def checkpoint(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Sign now, even if the schedule does not call for it.")] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Extend the Merkle tree from the store and sign a checkpoint (when due, or --force)."""
    from infra.kafka.runtime import bootstrap_servers

    cli = state(ctx)
    bootstrap = bootstrap_servers(cli.settings)
    with evidence_errors():
        made = checkpoint_now(cli.ledger, bootstrap=bootstrap, force=force)
    latest = CheckpointStore(cli.ledger.engine).latest()
    if json_flag or cli.json_output:
        print_json(None if latest is None else {
            "created": made is not None, "size": latest.size, "root_hash": latest.root_hash.hex(),
            "time": latest.time, "published": latest.published, "note": latest.note})  # fmt: skip
        return
    if made is None:
        why = "no new events since" if force or latest is None else "not due yet; latest is"
        say(f"no checkpoint made: {why} checkpoint {latest.size if latest else '(none)'}")
        return
    where = (f"published to {cli.settings.checkpoint_topic}" if latest and latest.published
             else "not published: no broker" if bootstrap is None
             else "not published yet: broker unavailable, retried at the next checkpoint")  # fmt: skip
    say(f"checkpoint {made.size} signed at {made.time.isoformat()}: root {made.root_hash.hex()}; {where}")
    say(made.note, end="")


class _Bars:
    """``progress(label, total)`` for ``verify_ledger``: a rich bar per stage, on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __call__(self, label: str, total: int | None) -> Callable[[int], None]:
        task = self.progress.add_task(label, total=total)
        return lambda n: self.progress.advance(task, n)


def verify(
    ctx: typer.Context,
    no_kafka: Annotated[bool, typer.Option("--no-kafka", help="Do not compare with the ledger topic.")] = False,
    key: KeyOption = None,
    json_flag: JsonFlag = False,
) -> None:
    """Check the event store (hash chains), the Merkle leaves and signed checkpoints, the
    ledger topic and the projections' audit trail against each other; exit 7 on any mismatch,
    naming the first position where they disagree."""
    from service.evidence.verifier import verify_ledger
    from infra.kafka.runtime import bootstrap_servers

    cli = state(ctx)
    with evidence_errors():
        verifier = read_verifier_key(key) if key else configured_verifier(cli.settings)
    ledger = cli.ledger
    total = ledger.app.recorder.max_notification_id() or 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=total < PROGRESS_FROM) as progress:
        report = verify_ledger(
            ledger, key=verifier, bootstrap=None if no_kafka else bootstrap_servers(cli.settings),
            kafka=not no_kafka, audit_trail=audit_trail_source(cli), progress=_Bars(progress),
        )  # fmt: skip
    if json_flag or cli.json_output:
        print_json(report.to_json())
    else:
        for text in report.lines():
            say(text)
    if not report.ok:
        first = report.first()
        raise CliError(f"MISMATCH at {first.describe() if first else 'unknown'}", ExitCode.INTEGRITY)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.command("checkpoint")(checkpoint)
    app.command("verify")(verify)
