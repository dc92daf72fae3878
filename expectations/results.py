"""What a validation suite found, in counts only: safe to log, print and show as Dagster metadata."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExpectationOutcome:
    name: str
    column: str | None
    blocking: bool
    passed: bool
    unexpected_count: int
    detail: str  # counts, shares and column names only, never a cell's value

    @property
    def status(self) -> str:
        if self.passed:
            return "met"
        return "FAILED (blocking)" if self.blocking else "warning"


@dataclass(frozen=True)
class SuiteResult:
    source: str
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def blocking_failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.blocking and not outcome.passed)

    @property
    def warnings(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.blocking and not outcome.passed)

    def summary(self) -> str:
        met = sum(outcome.passed for outcome in self.outcomes)
        parts = [f"{self.source}: {met}/{len(self.outcomes)} expectations met"]
        # Blocking failures first: they are what stops the month.
        for outcome in (*self.blocking_failures, *self.warnings):
            parts.append(f"{outcome.status} {outcome.name}: {outcome.detail}")
        return "; ".join(parts)

    def as_metadata(self) -> dict[str, str | int | float]:
        metadata: dict[str, str | int | float] = {
            "source": self.source,
            "passed": int(self.passed),
            "expectations": len(self.outcomes),
            "expectations_met": sum(outcome.passed for outcome in self.outcomes),
            "blocking_failures": len(self.blocking_failures),
            "warnings": len(self.warnings),
            "summary": self.summary(),
        }
        for outcome in self.outcomes:
            metadata[f"check: {outcome.name}"] = f"{outcome.status}: {outcome.detail}"
        return metadata
