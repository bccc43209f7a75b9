"""An e-mail backend for the worker-kill test: the message is "transmitted" (written to the
worker's log, as the console backend does) and then the server's reply takes a while
(ZF_TEST_MAIL_REPLY_SECONDS), which is when the test kills the worker."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.console import EmailBackend


class SlowReplyBackend(EmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        sent = 0
        for message in email_messages:
            sent += super().send_messages([message])
            self.stream.flush()
            time.sleep(float(os.environ.get("ZF_TEST_MAIL_REPLY_SECONDS", "0")))
        return sent
