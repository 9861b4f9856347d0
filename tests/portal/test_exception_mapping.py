from portal.api.exceptions import flatten_field_errors


class TestFlattenFieldErrors:
    def test_nested_lists_and_dicts_get_paths(self):
        detail = {"questions": [{}, {}, {"correct": ["index out of range"]}]}
        assert flatten_field_errors(detail) == [
            ("questions[2].correct", "index out of range")
        ]

    def test_non_field_errors_have_no_field(self):
        assert flatten_field_errors({"non_field_errors": ["bad"]}) == [(None, "bad")]

    def test_nested_object(self):
        assert flatten_field_errors({"profile": {"phone": ["too long"]}}) == [
            ("profile.phone", "too long")
        ]
