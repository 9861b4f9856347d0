from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    """What certification bodies take from the portal: exam voucher codes handed to
    learners who completed a course, and continuing-education credits (CompTIA CEU,
    ISC2 CPE) per completed course."""

    name = "learning.certifications"
    label = "certifications"
    verbose_name = "Certification bodies"
    default_auto_field = "django.db.models.BigAutoField"
