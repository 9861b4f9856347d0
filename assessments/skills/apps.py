from django.apps import AppConfig


class AssessmentSkillsConfig(AppConfig):
    name = "assessments.skills"
    label = "assessment_skills"
    verbose_name = "Assessment NICE tags"
