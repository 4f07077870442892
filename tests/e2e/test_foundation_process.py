"""The process model under stress: worker crashes, reloads, database and
cache outages, seen from outside through nginx."""
import os
import signal
import time

import requests

import contract
from conftest import Load, url, wait_until


def test_health_ok(http):
    r = http.get(url("/health"))
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    contract.check(r, "/health", "get")


def test_postgres_down_then_back_without_restart(stack, http):
    master = stack.master_pid()
    stack.dev("pg-stop")
    try:
        r = http.get(url("/health"))
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "down" and body["checks"]["database"] == "down", body
        contract.check(r, "/health", "get")
    finally:
        stack.dev("pg-start")
    # The very next request succeeds: the worker reconnects and retries.
    for _ in range(8):  # every api worker, whichever nginx picks
        r = http.get(url("/health"))
        assert r.status_code == 200, r.text
        assert r.json()["checks"]["database"] == "ok"
    assert stack.master_pid() == master


def test_memcached_down_is_degraded_then_recovers(stack, http):
    stack.dev("mc-stop")
    try:
        r = http.get(url("/health"))
        assert r.status_code == 200
        assert r.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "down"}}
        contract.check(r, "/health", "get")
    finally:
        stack.dev("mc-start")

    def all_ok():
        return all(http.get(url("/health")).json()["status"] == "ok" for _ in range(6))

    assert wait_until(all_ok, timeout=10), "cache not used again after memcached came back"


def test_killed_worker_is_respawned_and_costs_at_most_one_request(stack):
    before = stack.workers("api")
    assert len(before) >= 2
    victim = before[0]
    with Load(threads=4) as load:
        time.sleep(0.5)
        os.kill(victim, signal.SIGKILL)
        respawned = wait_until(lambda: len(stack.workers("api")) == len(before)
                               and victim not in stack.workers("api"), timeout=5)
        time.sleep(0.5)
    assert respawned, f"workers before {before}, after {stack.workers('api')}"
    assert load.sent > 50
    assert len(load.failures) <= 1, load.failures[:5]


def test_reload_under_load_loses_nothing(stack):
    mark = stack.log_mark()
    old = stack.workers("api")
    with Load(threads=4) as load:
        time.sleep(0.3)
        for _ in range(3):
            stack.signal_master(signal.SIGHUP)
            time.sleep(0.7)
    assert load.sent > 50
    assert load.failures == [], load.failures[:5]
    assert stack.wait_for_log(mark, lambda e: e.get("event") == "reloaded")
    new = stack.workers("api")
    assert new and not set(new) & set(old), "old workers should have been replaced"


def test_reload_with_broken_config_keeps_serving(stack, http):
    good = stack.config_path.read_text()
    mark = stack.log_mark()
    workers = stack.workers("api")
    try:
        stack.config_path.write_text(good + "\n[server]\napi_workers = lots\n")
        stack.signal_master(signal.SIGHUP)
        entry = stack.wait_for_log(mark, lambda e: e.get("event") == "reload_failed")
        assert entry, "no reload_failed line in the log"
        assert "api_workers" in entry["reason"], entry
        for _ in range(5):
            assert http.get(url("/health")).status_code == 200
        assert stack.workers("api") == workers, "a failed reload must keep the old workers"
    finally:
        stack.config_path.write_text(good)


def test_master_survives_and_sockets_stay(stack):
    assert (stack.var / "run" / "api.sock").exists()
    assert (stack.var / "run" / "validate.sock").exists()
    assert len(stack.workers("validate")) >= 1
    r = requests.get(url("/health"), timeout=5)
    assert r.status_code == 200


def test_workers_started_while_postgres_is_down_answer_503_then_recover(stack, http):
    stack.dev("pg-stop")
    try:
        # A reload starts a new generation of workers with no database.
        stack.reload_with(stack.config_path.read_text())
        r = http.post(url("/auth/login"), json={"email": "a@example.com", "password": "x"})
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "SERVICE_UNAVAILABLE"
        assert http.get(url("/health")).status_code == 503
        assert len(stack.workers("api")) >= 2, "workers must keep running without Postgres"
    finally:
        stack.dev("pg-start")
    for _ in range(6):
        assert http.get(url("/health")).status_code == 200
