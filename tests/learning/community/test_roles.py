"""Course roles at Discord follow the learner: enrolling, cancelling (or a refund),
completing, a certificate issued or revoked each queue a sync after commit, which
adds and removes only the roles the portal manages."""

import pytest
from django.core.cache import cache

from integrations.resilience import vendor_breaker
from learning.community.models import CourseDiscordRoles, DiscordMember
from learning.community.selectors import desired_role_ids
from learning.community.services import SyncBusy, discord_member_sync
from learning.community.tasks import reconcile_discord, sync_discord_member
from learning.models import Certificate
from learning.payments.models import Order
from learning.payments.services.orders import order_paid_record, order_refunded_record
from learning.services import enrollment_cancel, enrollment_create
from learning.services.certificates import certificate_revoke
from tests.learning.test_certificate_reissue import complete
from tests.portal.factories import UserFactory

from .conftest import CERTIFIED, COMPLETED, DISCORD_ID, ENROLLED, UNMANAGED, link

pytestmark = pytest.mark.django_db


def roles_of(fake_discord) -> set[str]:
    return fake_discord.members[DISCORD_ID]


class TestFollowingTheLearner:
    def test_enrolling_adds_the_enrolled_role_after_commit_not_in_the_request(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as queued:
            enrollment_create(actor=member, course_id=course.pk)
            # Nothing was asked of Discord inside the enrollment's transaction.
            assert fake_discord.calls == []

        for callback in queued:
            callback()

        assert roles_of(fake_discord) == {ENROLLED, UNMANAGED}
        state = DiscordMember.objects.get(discord_user_id=DISCORD_ID)
        assert state.user == member
        assert state.in_guild is True
        assert state.roles == [ENROLLED]

    def test_cancelling_removes_it(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = enrollment_create(actor=member, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_cancel(enrollment=enrollment, actor=member)

        assert roles_of(fake_discord) == {UNMANAGED}
        assert [c.method for c in fake_discord.calls_to() if c.method != "GET"] == [
            "PUT",
            "DELETE",
        ]

    def test_a_paid_order_gives_the_role_and_its_refund_takes_it(
        self, member, make_course, fake_discord, django_capture_on_commit_callbacks
    ):
        paid = make_course(title="Incident Response", price="99")
        CourseDiscordRoles.objects.create(course=paid, enrolled_role_id=ENROLLED)
        order = Order.objects.create(
            user=member,
            course=paid,
            course_title=paid.title,
            amount="99.00",
            currency="usd",
            provider="stripe",
        )
        with django_capture_on_commit_callbacks(execute=True):
            order_paid_record(
                order_id=order.pk,
                provider_payment="pi_test_1",
                amount_cents=9900,
                currency="usd",
            )
        assert roles_of(fake_discord) == {ENROLLED, UNMANAGED}

        with django_capture_on_commit_callbacks(execute=True):
            order_refunded_record(
                order_id=order.pk, actor=None, provider_refund="re_test_1"
            )
        assert roles_of(fake_discord) == {UNMANAGED}

    def test_completing_and_the_certificate_add_their_roles_and_revoking_removes_one(
        self,
        member,
        course,
        fake_discord,
        admin_user,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=member, course_id=course.pk)
        with django_capture_on_commit_callbacks(execute=True):
            complete(member, course)

        assert roles_of(fake_discord) == {ENROLLED, COMPLETED, CERTIFIED, UNMANAGED}

        certificate = Certificate.objects.get(user=member)
        with django_capture_on_commit_callbacks(execute=True):
            certificate_revoke(certificate=certificate, actor=admin_user, reason="x")

        assert roles_of(fake_discord) == {ENROLLED, COMPLETED, UNMANAGED}

    def test_a_sync_is_idempotent(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=member, course_id=course.pk)
        changes = len(fake_discord.calls_to("PUT"))

        sync_discord_member.delay(member.pk)
        sync_discord_member.delay(member.pk)

        assert len(fake_discord.calls_to("PUT")) == changes == 1
        assert fake_discord.calls_to("DELETE") == []
        assert roles_of(fake_discord) == {ENROLLED, UNMANAGED}

    def test_a_member_outside_the_guild_is_recorded_and_nothing_fails(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        del fake_discord.members[DISCORD_ID]
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=member, course_id=course.pk)

        assert fake_discord.calls_to("PUT") == []
        assert DiscordMember.objects.get(discord_user_id=DISCORD_ID).in_guild is False

    def test_learners_who_did_not_link_discord_queue_nothing(
        self,
        roles,
        make_course,
        fake_discord,
        settings,
        django_capture_on_commit_callbacks,
    ):
        def callbacks_of_an_enrollment(user) -> int:
            course = make_course(title=f"Course of {user.pk}")
            with django_capture_on_commit_callbacks() as queued:
                enrollment_create(actor=user, course_id=course.pk)
            return len(queued)

        unlinked = callbacks_of_an_enrollment(UserFactory())
        linked_user = UserFactory()
        link(linked_user)
        linked = callbacks_of_an_enrollment(linked_user)
        settings.DISCORD = None
        off = callbacks_of_an_enrollment(UserFactory())

        # A linked learner's enrollment queues one sync more; nobody else's does.
        assert unlinked == off == linked - 1

    def test_a_rate_limited_sync_waits_and_finishes(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        fake_discord.rate_limit_next(1, retry_after=0.2)
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_create(actor=member, course_id=course.pk)
        assert roles_of(fake_discord) == {ENROLLED, UNMANAGED}
        assert [c.status for c in fake_discord.calls][:2] == [429, 200]


class TestFaults:
    def test_discord_down_never_fails_the_enrollment_and_the_reconcile_repairs(
        self, member, course, fake_discord, django_capture_on_commit_callbacks
    ):
        fake_discord.fail_next(50, status=503)
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = enrollment_create(actor=member, course_id=course.pk)
        assert enrollment.pk
        assert roles_of(fake_discord) == {UNMANAGED}

        # Discord is back (its circuit too): tonight's reconcile gives the role.
        fake_discord.recover()
        vendor_breaker(vendor="discord").close()
        with django_capture_on_commit_callbacks(execute=True):
            reconcile_discord.delay()
        assert roles_of(fake_discord) == {ENROLLED, UNMANAGED}

    def test_one_sync_of_an_account_at_a_time(self, member, course, fake_discord):
        enrollment_create(actor=member, course_id=course.pk)
        cache.add(f"community:discord-sync:{DISCORD_ID}", 1, timeout=60)

        with pytest.raises(SyncBusy):
            discord_member_sync(user_id=member.pk)
        assert fake_discord.calls == []

        cache.delete(f"community:discord-sync:{DISCORD_ID}")
        assert discord_member_sync(user_id=member.pk).added == [ENROLLED]


class TestWithoutKeys:
    def test_enrolling_and_syncing_do_nothing_and_nothing_crashes(
        self, settings, httpserver, roles, course, django_capture_on_commit_callbacks
    ):
        settings.DISCORD = None
        user = UserFactory()
        link(user)
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = enrollment_create(actor=user, course_id=course.pk)
            enrollment_cancel(enrollment=enrollment, actor=user)
        sync_discord_member.delay(user.pk)

        assert httpserver.log == []
        assert not DiscordMember.objects.exists()


class TestDesiredRoles:
    def test_deactivated_accounts_hold_no_roles(self, member, course):
        enrollment_create(actor=member, course_id=course.pk)
        assert desired_role_ids(user_id=member.pk) == {ENROLLED}
        member.is_active = False
        member.save(update_fields=["is_active"])
        assert desired_role_ids(user_id=member.pk) == set()

    def test_one_query_whatever_the_number_of_courses(
        self, member, make_course, django_assert_num_queries
    ):
        from learning.community.models import CourseDiscordRoles

        for index in range(4):
            course = make_course(title=f"Course {index}")
            CourseDiscordRoles.objects.create(
                course=course, enrolled_role_id=f"50000000000000010{index}"
            )
            enrollment_create(actor=member, course_id=course.pk)

        with django_assert_num_queries(1):
            desired = desired_role_ids(user_id=member.pk)
        assert len(desired) == 4
