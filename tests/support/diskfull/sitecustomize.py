"""Test-only: makes the disk look full under DAMANCOM_RECORDINGS after a number of writes.

Loaded by a bot subprocess whose PYTHONPATH includes this folder and whose environment sets
DISKFULL_AFTER_WRITES; an injected write error, as if the filesystem had filled up mid-run.
"""

import builtins
import errno
import io
import os

_after = os.environ.get("DISKFULL_AFTER_WRITES")
_root = os.path.realpath(os.environ.get("DAMANCOM_RECORDINGS", "recordings"))

if _after is not None:
    _left = [int(_after)]
    _real_open = io.open

    def _open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax") and isinstance(file, (str, os.PathLike)):
            if os.path.realpath(os.fspath(file)).startswith(_root + os.sep):
                if _left[0] <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(file))
                _left[0] -= 1
        return _real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = _open
