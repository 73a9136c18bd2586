"""The plain-text result the CLI prints."""

from inspector.core import StepTiming, Verdict, VerificationResult
from inspector.core.text_report import format_result


def test_steps_say_which_failed_and_which_were_forced():
    result = VerificationResult(
        Verdict.PASS,
        "The sent attribute arrived",
        {"crmCustomerId": "C-1"},
        steps=(
            StepTiming(
                "preflight", "Check", 12.0, "1 of 7 checks failed; started anyway", True, True
            ),
            StepTiming("connect", "Connect", 30.0),
            StepTiming("cleanup", "End", 5.0, "refused", ok=False),
        ),
    )
    steps = next(line for line in format_result(result).splitlines() if line.startswith("Steps"))
    assert steps == (
        "Steps: preflight 12 ms (started anyway) · connect 30 ms · cleanup 5 ms (failed)"
    )


def test_a_case_mismatch_row_names_the_letters_that_differ():
    from inspector.core import diff_attributes, verdict_for_rows

    sent = {"crmCustomerId": "C-1", "source": "web"}
    rows = diff_attributes(sent, {"crmCustomerid": "C-1", "source": "web"})
    result = VerificationResult(verdict_for_rows(rows), "1 of 2", sent, rows)
    lines = format_result(result).splitlines()
    assert "  crmCustomerId arrived as 'crmCustomerid': letter 12: sent 'I', received 'i'" in lines
    assert not any("source arrived as" in line for line in lines)
