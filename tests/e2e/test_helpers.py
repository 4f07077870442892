"""The test helpers themselves: a process that ends while the helpers scan
/proc must not fail the test that asked (a killed worker's comm file can
answer ESRCH between the listing and the read)."""
import pathlib
import subprocess

import conftest


def test_proc_comm_of_a_process_that_is_gone():
    p = subprocess.Popen(["true"])
    p.wait()
    assert conftest.proc_comm(p.pid) is None
    assert conftest.proc_comm(1) is not None


def test_workers_skip_a_process_that_vanishes_mid_scan(stack, monkeypatch):
    real = pathlib.Path.read_text
    victims = set(stack.workers("api"))
    assert victims

    def vanishing(self, *a, **kw):
        # Every worker dies between the children listing and its comm read.
        if self.name == "comm" and int(self.parent.name) in victims:
            raise ProcessLookupError(3, "No such process")
        return real(self, *a, **kw)

    monkeypatch.setattr(pathlib.Path, "read_text", vanishing)
    assert stack.workers("api") == []
    assert stack.workers("validate")
