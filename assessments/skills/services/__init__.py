from .tags import question_tag_delete, question_tag_set

__all__ = ["question_tag_delete", "question_tag_set"]
