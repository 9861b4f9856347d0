"""Question and flag tags in the Wagtail admin ("NICE Framework" menu), and this
app's answers to the skills extension points (``portal.hooks``)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from learning.skills.cms.tags import MENU_HOOK
from portal import hooks as portal_hooks

from . import privacy
from .cms.tags import QuestionTagPermissionPolicy, question_tag_viewset
from .demo import seed_assessment_skills
from .models import QuestionStatementTag
from .selectors import course_question_statements, skill_evidence

register_permission_policy(
    QuestionStatementTag, QuestionTagPermissionPolicy(QuestionStatementTag)
)

hooks.register(portal_hooks.SKILL_EVIDENCE, skill_evidence)
hooks.register(portal_hooks.SKILL_COURSE_STATEMENTS, course_question_statements)
# After the demo learner's enrollment (learning, 20), before corporate (30).
hooks.register(portal_hooks.DEMO_SEED, seed_assessment_skills, order=25)

hooks.register("register_admin_viewset", lambda: question_tag_viewset)
hooks.register(MENU_HOOK, question_tag_viewset.get_menu_item, order=20)

hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)
