"""The NICE Framework in the Wagtail admin (statement and work role choosers, the
tagging screens under a "NICE Framework" menu) and this app's demo seeder
(``portal.hooks.DEMO_SEED``)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from portal import hooks as portal_hooks

from . import privacy
from .cms.choosers import statement_chooser_viewset, work_role_chooser_viewset
from .cms.tags import (
    MENU_HOOK,
    CourseRolePermissionPolicy,
    ModuleTagPermissionPolicy,
    course_role_viewset,
    module_tag_viewset,
    nice_framework_menu_item,
)
from .demo import seed_skills
from .models import CourseWorkRole, ModuleStatementTag

# Before any view asks for the models' policies (Wagtail would make fallback ones).
register_permission_policy(
    ModuleStatementTag, ModuleTagPermissionPolicy(ModuleStatementTag)
)
register_permission_policy(CourseWorkRole, CourseRolePermissionPolicy(CourseWorkRole))

# After the demo courses (content, 10), before the demo learner's activity.
hooks.register(portal_hooks.DEMO_SEED, seed_skills, order=12)

for viewset in (
    statement_chooser_viewset,
    work_role_chooser_viewset,
    module_tag_viewset,
    course_role_viewset,
):
    hooks.register("register_admin_viewset", lambda viewset=viewset: viewset)

hooks.register("register_admin_menu_item", nice_framework_menu_item)
hooks.register(MENU_HOOK, module_tag_viewset.get_menu_item, order=10)
hooks.register(MENU_HOOK, course_role_viewset.get_menu_item, order=30)

hooks.register(portal_hooks.PERSONAL_DATA_EXPORT, privacy.personal_data_export)
hooks.register(portal_hooks.PERSONAL_DATA_ERASE, privacy.personal_data_erase, order=10)
