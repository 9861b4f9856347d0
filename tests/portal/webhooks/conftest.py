from tests.learning.conftest import (  # noqa: F401  (the same course fixtures)
    course,
    instructor,
    make_course,
    student,
)
