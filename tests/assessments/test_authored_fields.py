"""An assessment's authored fields are declared once (``AuthoredFields``); the faces
that cannot derive from it stay in step with it."""

from assessments.api.assessments import AssessmentInput
from assessments.models import Assessment
from assessments.services import AUTHORED_DEFAULTS, AUTHORED_FIELDS


class TestAuthoredFields:
    def test_api_input_takes_exactly_the_authored_fields(self):
        assert set(AssessmentInput().fields) == set(AUTHORED_FIELDS)

    def test_every_authored_field_is_a_model_column(self):
        columns = {field.attname for field in Assessment._meta.concrete_fields}
        assert set(AUTHORED_FIELDS) <= columns

    def test_defaults_only_for_authored_fields(self):
        assert set(AUTHORED_DEFAULTS) < set(AUTHORED_FIELDS)
        assert "title" not in AUTHORED_DEFAULTS
