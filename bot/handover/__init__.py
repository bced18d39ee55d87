"""Handing the SMS code (or a « ready ») from a person to the waiting run, by every channel at once.

Channels (terminal, `damancom-bot otp`, the local page, the sandbox outbox in the demo) all post
into one `Mailbox`; the first valid code wins. `HandOver` is what the login flow talks to.
"""
