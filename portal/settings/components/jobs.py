"""Long-running work (portal.jobs) and the corporate partner side that uses it:
where job downloads are kept and for how long, seat and bulk-enrollment limits."""

from pathlib import Path

from . import BASE_DIR, env

# Job downloads (reports, exports) are kept outside MEDIA_ROOT: only the job's view
# sends them, to the job's creator, until they expire.
JOB_FILES_ROOT = Path(
    env.str("JOB_FILES_ROOT", default=str(BASE_DIR / "var" / "private"))
)
JOB_FILE_TTL_HOURS = env.int("JOB_FILE_TTL_HOURS", default=24)

# A corporate seat comes back to its pool when the enrollment is cancelled within
# this many days of taking it.
SEAT_RETURN_WINDOW_DAYS = env.int("SEAT_RETURN_WINDOW_DAYS", default=14)
# Bulk enrollment: most rows in one request, largest CSV upload (bytes).
BULK_ENROLLMENT_MAX_ROWS = env.int("BULK_ENROLLMENT_MAX_ROWS", default=10_000)
BULK_ENROLLMENT_MAX_BYTES = env.int(
    "BULK_ENROLLMENT_MAX_BYTES", default=4 * 1024 * 1024
)
# A progress report with more rows than this as CSV or XLSX is built by a job.
REPORT_SYNC_MAX_ROWS = env.int("REPORT_SYNC_MAX_ROWS", default=2_000)
# Organization invitations stay valid this many days.
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
