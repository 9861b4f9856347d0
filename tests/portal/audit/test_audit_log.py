"""Recording audit entries: stored fields, chain links, append-only, transactions."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from portal.accounts.models import User
from portal.audit.models import (
    AuditChainHead,
    AuditLog,
    AuditLogImmutableError,
    chain_genesis_hash,
)
from portal.audit.services import (
    audit_chain_verify,
    audit_log_record,
    request_metadata,
)
from portal.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("a@example.org", "pw")


class TestAuditLogRecord:
    def test_fields_are_stored(self, user):
        resource = uuid.uuid4()
        entry = audit_log_record(
            action="user.role_changed",
            user=user,
            resource_type="user",
            resource_id=resource,
            ip_address="203.0.113.7",
            user_agent="x" * 600,
            details={
                "from": "student",
                "to": "instructor",
                "at": datetime.date(2025, 1, 2),
            },
        )

        stored = AuditLog.objects.get(pk=entry.pk)
        assert stored.user == user
        assert stored.actor_id == user.pk
        assert stored.actor_email == "a@example.org"
        assert stored.action == "user.role_changed"
        assert stored.resource_type == "user"
        assert stored.resource_id == str(resource)
        assert stored.ip_address == "203.0.113.7"
        assert stored.user_agent == "x" * 512
        assert stored.details == {
            "from": "student",
            "to": "instructor",
            "at": "2025-01-02",
        }
        assert stored.created_at is not None
        assert stored.sequence == 1
        assert stored.prev_hash == chain_genesis_hash(stored.chain)
        assert len(stored.hash) == 64
        assert stored.hash == stored.compute_hash()

    def test_integer_resource_id_is_a_string_and_anonymous_is_no_user(self):
        from django.contrib.auth.models import AnonymousUser

        entry = audit_log_record(
            action="auth.login_failed",
            user=AnonymousUser(),
            resource_id=42,
            details={"email": "who@example.org"},
        )
        stored = AuditLog.objects.get(pk=entry.pk)
        assert stored.user is None
        assert stored.actor_id is None
        assert stored.actor_email == ""
        assert stored.resource_id == "42"

    def test_entries_link_into_a_chain(self, user):
        first = audit_log_record(action="auth.login_succeeded", user=user)
        second = audit_log_record(action="auth.logout", user=user)

        assert (first.sequence, second.sequence) == (1, 2)
        assert second.prev_hash == first.hash
        assert second.hash != first.hash
        head = AuditChainHead.objects.get()
        assert (head.last_sequence, head.last_hash) == (2, second.hash)

    def test_hash_depends_on_the_secret_key(self, settings, user):
        entry = audit_log_record(action="auth.mfa_enabled", user=user)
        settings.SECRET_KEY = "another-secret-key-entirely-for-this-test"
        assert entry.compute_hash() != entry.hash

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"action": "   "}, "action"),
            ({"action": "a" * 101}, "action"),
            ({"action": "x.y", "resource_type": "r" * 51}, "resource_type"),
            ({"action": "x.y", "resource_id": "9" * 65}, "resource_id"),
            ({"action": "x.y", "details": ["not", "a", "dict"]}, "details"),
            ({"action": "x.y", "details": {"obj": object()}}, "details"),
            ({"action": "x.y", "details": {"nan": float("nan")}}, "details"),
        ],
    )
    def test_invalid_input_is_refused(self, kwargs, field):
        with pytest.raises(InvalidInput) as error:
            audit_log_record(**kwargs)
        assert error.value.field == field
        assert not AuditLog.objects.exists()

    def test_awkward_values_still_verify_after_the_database_round_trip(self):
        audit_log_record(
            action="x.y",
            ip_address="2001:DB8:0:0::1",
            user_agent="bad\x00agent",
            details={
                "big": 1e20,
                "small": 1.5e-7,
                "price": Decimal("9.90"),
                "nested": {"b": [1, 2.0, None], "a": "ünïcode \x00"},
                "id": uuid.UUID(int=1),
            },
        )
        stored = AuditLog.objects.get()
        assert stored.ip_address == "2001:db8::1"
        assert "\x00" not in stored.user_agent
        assert audit_chain_verify() == []

    def test_invalid_ip_is_dropped(self):
        entry = audit_log_record(action="x.y", ip_address="not-an-ip")
        assert AuditLog.objects.get(pk=entry.pk).ip_address is None


class TestAppendOnly:
    def test_saving_an_existing_entry_is_refused(self):
        entry = audit_log_record(action="auth.logout")
        entry.action = "auth.login_succeeded"
        with pytest.raises(AuditLogImmutableError):
            entry.save()
        fresh = AuditLog.objects.get(pk=entry.pk)
        with pytest.raises(AuditLogImmutableError):
            fresh.save(update_fields=["action"])
        assert AuditLog.objects.get(pk=entry.pk).action == "auth.logout"

    def test_deleting_an_entry_is_refused(self):
        entry = audit_log_record(action="auth.logout")
        with pytest.raises(AuditLogImmutableError):
            entry.delete()
        assert AuditLog.objects.filter(pk=entry.pk).exists()

    def test_queryset_update_and_delete_are_refused(self):
        audit_log_record(action="auth.logout")
        with pytest.raises(AuditLogImmutableError):
            AuditLog.objects.update(action="changed")
        with pytest.raises(AuditLogImmutableError):
            AuditLog.objects.filter(action="auth.logout").update(action="changed")
        with pytest.raises(AuditLogImmutableError):
            AuditLog.objects.all().delete()
        with pytest.raises(AuditLogImmutableError):
            AuditLog.objects.bulk_update(list(AuditLog.objects.all()), ["action"])
        assert AuditLog.objects.filter(action="auth.logout").count() == 1

    def test_deleting_the_user_keeps_the_entry_and_the_chain_valid(self, user):
        audit_log_record(action="auth.login_succeeded", user=user)
        user_pk = user.pk
        user.delete()

        entry = AuditLog.objects.get()
        assert entry.user_id is None
        assert (entry.actor_id, entry.actor_email) == (user_pk, "a@example.org")
        assert audit_chain_verify() == []


class TestTransactions:
    def test_rollback_of_the_caller_removes_the_entry_and_keeps_the_chain(self):
        first = audit_log_record(action="enrollment.created")

        def failing_enrollment():
            with transaction.atomic():
                audit_log_record(action="enrollment.created")
                raise RuntimeError("the enrollment failed")

        with pytest.raises(RuntimeError):
            failing_enrollment()

        assert list(AuditLog.objects.values_list("sequence", flat=True)) == [1]
        assert AuditChainHead.objects.get().last_hash == first.hash
        following = audit_log_record(action="enrollment.created")
        assert following.sequence == 2
        assert following.prev_hash == first.hash
        assert audit_chain_verify() == []

    def test_a_lost_head_is_rebuilt_from_the_tail(self):
        first = audit_log_record(action="auth.logout")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditchainhead")
        assert audit_chain_verify() == [
            f"Chain {first.chain}: Head mismatch: the chain head row is missing."
        ]
        second = audit_log_record(action="auth.logout")
        assert (second.sequence, second.prev_hash) == (2, first.hash)
        assert audit_chain_verify() == []


class TestRequestMetadata:
    def test_remote_addr_and_user_agent(self):
        request = RequestFactory().get(
            "/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Firefox/1"
        )
        assert request_metadata(request=request) == {
            "ip_address": "198.51.100.4",
            "user_agent": "Firefox/1",
        }

    def test_forwarded_for_is_ignored_unless_trusted(self, settings):
        settings.TRUSTED_PROXIES = []
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert request_metadata(request=request)["ip_address"] == "10.0.0.2"

    def test_trusted_forwarded_for_takes_the_entry_our_proxy_added(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.2"]
        # The client forged the first entry; Nginx appended the real address.
        request = RequestFactory().get(
            "/",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
        assert request_metadata(request=request)["ip_address"] == "203.0.113.9"

    def test_invalid_addresses_are_dropped(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.2"]
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown"
        )
        assert request_metadata(request=request)["ip_address"] is None
        settings.TRUSTED_PROXIES = []
        request = RequestFactory().get("/", REMOTE_ADDR="garbage")
        assert request_metadata(request=request) == {
            "ip_address": None,
            "user_agent": "",
        }

    def test_drf_request_works_too(self):
        from rest_framework.request import Request

        request = Request(RequestFactory().get("/", REMOTE_ADDR="::1"))
        assert request_metadata(request=request)["ip_address"] == "::1"
