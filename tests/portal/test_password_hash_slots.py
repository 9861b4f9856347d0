"""At most PASSWORD_HASH_SLOTS password hashes run at once on the machine
(``portal.accounts.hashers.hash_slot``); a sign-in that finds no slot in time is
answered 503 with Retry-After, not queued and not counted as a failed sign-in."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from portal.accounts.hashers import PROCESS_WAITERS, HashingBusy, hash_slot
from portal.accounts.models import User
from portal.audit.models import AuditLog
from tests.portal.auth_helpers import login
from tests.portal.factories import PASSWORD, UserFactory

ARGON2 = "portal.accounts.hashers.Argon2idPasswordHasher"
PBKDF2 = "portal.accounts.hashers.PBKDF2PasswordHasher"

HOLDER = """
import fcntl, os, sys, time
fds = []
for i in range(int(sys.argv[2])):
    fd = os.open(os.path.join(sys.argv[1], f"slot-{i}"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    fds.append(fd)
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def slots(settings, tmp_path):
    """One slot, in a folder of this test's own, waited for at most 200 ms."""
    settings.PASSWORD_HASH_SLOTS = 1
    settings.PASSWORD_HASH_WAIT_MS = 200
    settings.PASSWORD_HASH_SLOT_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def hold_slots(slots):
    """Starts another process (another gunicorn worker) that holds every slot until
    it is killed."""
    holders = []

    def start():
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(slots), "1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout.readline().strip() == "held"
        return holder

    yield start
    for holder in holders:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


@pytest.fixture
def other_process(hold_slots):
    return hold_slots()


@pytest.fixture
def argon2(settings):
    """Argon2id as in production (MD5 stays for the factories' hashes)."""
    settings.PASSWORD_HASHERS = [ARGON2]


@pytest.fixture
def learner(argon2, slots):
    """A learner whose password is an Argon2id hash, made while the slot is free."""
    return UserFactory(role="student")


def stop(holder) -> None:
    holder.kill()
    holder.wait()


def refused_within(seconds: float, block) -> None:
    started = time.monotonic()
    with pytest.raises(HashingBusy):
        block()
    assert time.monotonic() - started < seconds


class TestSlots:
    def test_a_hash_waits_for_the_slot_another_process_holds(self, other_process):
        refused_within(2, lambda: hash_slot().__enter__())

    def test_a_dead_process_gives_its_slot_back(self, argon2, other_process):
        other_process.send_signal(signal.SIGKILL)
        other_process.wait()

        assert check_password("s3cret", make_password("s3cret"))

    def test_threads_of_one_process_take_turns(self, settings, slots):
        settings.PASSWORD_HASH_WAIT_MS = 5000
        holding, release = threading.Event(), threading.Event()
        order = []

        def first():
            with hash_slot():
                order.append("first in")
                holding.set()
                release.wait(5)
                order.append("first out")

        def second():
            holding.wait(5)
            with hash_slot():
                order.append("second in")

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        holding.wait(5)
        time.sleep(0.2)
        assert order == ["first in"]  # the second waits
        release.set()
        for thread in threads:
            thread.join(5)
        assert order == ["first in", "first out", "second in"]

    def test_a_thread_gives_up_after_the_wait(self, settings, slots):
        holding, release = threading.Event(), threading.Event()

        def hold():
            with hash_slot():
                holding.set()
                release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            holding.wait(5)
            started = time.monotonic()
            with pytest.raises(HashingBusy), hash_slot():
                pass
            assert 0.15 < time.monotonic() - started < 2
        finally:
            release.set()
            holder.join(5)
        with hash_slot():  # free again
            pass

    def test_only_a_few_threads_of_a_process_wait(self, settings, other_process):
        """Beyond PROCESS_WAITERS waiting threads the next is refused at once
        rather than holding a request thread for the whole wait."""
        settings.PASSWORD_HASH_WAIT_MS = 3000
        waiting = []

        def wait_for_slot():
            try:
                with hash_slot():
                    pass
            except HashingBusy:
                pass

        for _ in range(PROCESS_WAITERS):
            waiting.append(threading.Thread(target=wait_for_slot))
            waiting[-1].start()
        time.sleep(0.3)  # they are waiting for the other process's slot
        refused_within(1, lambda: hash_slot().__enter__())
        for thread in waiting:
            thread.join(5)

    def test_pbkdf2_verify_reenters_its_own_slot(self, settings, slots):
        """Django's PBKDF2 ``verify`` calls ``encode``: one slot is enough."""
        settings.PASSWORD_HASHERS = [PBKDF2]
        encoded = make_password("s3cret")
        assert encoded.startswith("pbkdf2_sha256$")
        assert check_password("s3cret", encoded)
        assert not check_password("wrong", encoded)

    def test_no_limit_at_zero(self, settings, argon2, other_process):
        settings.PASSWORD_HASH_SLOTS = 0
        assert check_password("s3cret", make_password("s3cret"))

    def test_an_unusable_slot_folder_does_not_stop_sign_ins(
        self, settings, argon2, slots, caplog
    ):
        blocker = slots / "not-a-folder"
        blocker.write_text("")
        settings.PASSWORD_HASH_SLOT_DIR = str(blocker / "slots")

        assert check_password("s3cret", make_password("s3cret"))
        assert "hashing without a limit" in caplog.text

    def test_slot_files_are_private(self, settings, slots):
        with hash_slot():
            pass
        assert {p.name for p in slots.iterdir()} == {"slot-0"}
        assert os.stat(slots / "slot-0").st_mode & 0o077 == 0


@pytest.mark.django_db
class TestSignIn:
    def test_api_sign_in_is_refused_with_retry_after(
        self, api_client, learner, hold_slots, caplog
    ):
        assert learner.password.startswith("argon2$")
        holder = hold_slots()
        audits = AuditLog.objects.count()

        response = login(api_client, learner, PASSWORD)

        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        assert response.json()["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
        assert AuditLog.objects.count() == audits  # not a failed sign-in
        assert "Infrastructure failure" not in caplog.text  # busy, not broken

        stop(holder)
        assert login(api_client, learner, PASSWORD).status_code == 200

    def test_refusals_do_not_count_towards_the_failure_limits(
        self, settings, api_client, learner, hold_slots
    ):
        """A busy box must not lock an account out: many refusals, then the right
        password works at once."""
        settings.PASSWORD_HASH_WAIT_MS = 0
        holder = hold_slots()
        for _ in range(12):
            assert login(api_client, learner, PASSWORD).status_code == 503
        stop(holder)
        assert login(api_client, learner, PASSWORD).status_code == 200

    def test_unknown_address_is_refused_alike(self, api_client, argon2, other_process):
        """The unknown-address path hashes too (the same cost as a known address),
        so a busy box tells no one which addresses exist."""
        response = api_client.post(
            "/api/v1/auth/login",
            {"email": "nobody@example.org", "password": "whatever-it-is"},
            format="json",
        )
        assert response.status_code == 503

    def test_registration_is_refused_and_creates_nobody(
        self, api_client, argon2, other_process
    ):
        response = api_client.post(
            "/api/v1/auth/register",
            {
                "email": "busy@example.org",
                "password": PASSWORD,
                "first_name": "Busy",
                "last_name": "Box",
            },
            format="json",
        )
        assert response.status_code == 503
        assert not User.objects.filter(email="busy@example.org").exists()

    def test_web_sign_in_page_answers_503(self, client, learner, hold_slots, caplog):
        hold_slots()
        response = client.post(
            reverse("account_login"), {"login": learner.email, "password": PASSWORD}
        )
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        assert b"Too many sign-ins" in response.content
        assert "_auth_user_id" not in client.session
        assert "Infrastructure failure" not in caplog.text  # busy, not broken
