"""What the evidence commands share: their errors as exit codes, and plain output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.render import line
from infra.evidence.errors import EvidenceError, KeyFileError, MissingSigningKey, NotCovered


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
    """Plain text on stdout: no rich markup, highlighting or hard wrapping (hashes stay whole);
    control characters shown as escapes."""
    line(text, **kwargs)
