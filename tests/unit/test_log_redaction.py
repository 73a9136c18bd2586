import io
import logging

from inspector.runtime.log import redact, setup_logging


def test_authorization_headers_and_token_fields_are_redacted():
    text = redact(
        "headers={'Authorization': 'Bearer abc.DEF-123_456'} "
        'body={"access_token": "tok-999", "token_type": "bearer"} '
        "form=grant_type=client_credentials&client_secret=s3cr3t&x=1 "
        "url=/cb?code=1&code_verifier=verifier-xyz"
    )
    for secret in ("abc.DEF-123_456", "tok-999", "s3cr3t", "verifier-xyz"):
        assert secret not in text
    assert "Bearer [redacted]" in text
    assert '"token_type": "bearer"' in text  # not a secret, kept


def test_log_records_are_redacted_before_any_handler_writes_them():
    stream = io.StringIO()
    setup_logging(logging.DEBUG, stream)
    try:
        logging.getLogger("inspector.genesys").info(
            "sending Authorization: Bearer %s", "t0k3n-abcdef"
        )
    finally:
        setup_logging(logging.WARNING)
    assert "t0k3n-abcdef" not in stream.getvalue()
    assert "Bearer [redacted]" in stream.getvalue()
