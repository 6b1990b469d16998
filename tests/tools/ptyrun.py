#!/usr/bin/python3
"""ptyrun.py LOG CMD [ARG...]: runs CMD with its stdout and stderr on a new
pseudo-terminal (stdin from /dev/null) and copies everything CMD writes
there to LOG, unbuffered, so LOG is complete even if this process is killed.
SIGINT and SIGTERM sent to this process are passed on to CMD. Exits with
CMD's exit status, or 128 + the signal that ended it.

Used instead of script(1) by the live-capture test: script(1) keeps polling
its terminal after the command it runs has ended when anything else holds
the terminal open, and buffers its log; here the end of CMD ends the run.
"""
import os
import pty
import select
import signal
import sys

if len(sys.argv) < 3:
    sys.exit("usage: ptyrun.py LOG CMD [ARG...]")

child_pid = 0
pending = []


def relay(signum, _frame):
    if child_pid:
        try:
            os.kill(child_pid, signum)
        except ProcessLookupError:
            pass
    else:
        pending.append(signum)


signal.signal(signal.SIGINT, relay)
signal.signal(signal.SIGTERM, relay)

log = open(sys.argv[1], "wb", buffering=0)
master, slave = pty.openpty()
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(slave, 1)
    os.dup2(slave, 2)
    os.close(master)
    os.close(slave)
    os.close(null)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as err:
        os.write(2, ("ptyrun: %s: %s\n" % (sys.argv[2], err.strerror)).encode())
    os._exit(127)
child_pid = pid
for signum in pending:
    os.kill(pid, signum)
os.close(slave)


def copy_available(timeout):
    """Copies what the terminal holds: "data", "idle" (nothing within
    timeout) or "closed" (every holder of the terminal has closed it)."""
    ready, _, _ = select.select([master], [], [], timeout)
    if not ready:
        return "idle"
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO
        return "closed"
    if not data:
        return "closed"
    log.write(data)
    return "data"


status = None
while status is None:
    ended, wstatus = os.waitpid(pid, os.WNOHANG)
    if ended:
        status = wstatus
        break
    if copy_available(0.2) == "closed":
        _, status = os.waitpid(pid, 0)
# What CMD wrote just before it ended (bounded: a descendant still writing
# to the terminal does not keep this run alive).
for _ in range(1000):
    if copy_available(0) != "data":
        break
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
