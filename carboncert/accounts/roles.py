"""The programme's roles (SPEC §2) as data: one Django group each, with its permissions.

Group names are these codes; labels are for people. Apps that add models add
their permissions here, so one table says who may do what.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...]  # "app_label.codename"


CANDIDATE = "candidate"
INSTITUTION = "institution"
REVIEWER = "reviewer"
TEACHER = "teacher"
QUESTION_EDITOR = "question_editor"
PROCTOR = "proctor"
GRADER = "grader"
CHIEF_GRADER = "chief_grader"
ADMINISTRATOR = "administrator"

_CATALOG_ALL = tuple(
    f"catalog.{verb}_{model}"
    for model in ("specialty", "level", "subject", "syllabusmodule", "knowledgepoint")
    for verb in ("add", "change", "view")
)
_SITTINGS_ALL = tuple(
    f"sittings.{verb}_{model}"
    for model in ("sitting", "sittingdefaults", "calendaryear", "calendarday")
    for verb in ("add", "change", "view")
)

# Course authors write lessons (the admin's lesson pages check them as learning.authoring does).
_LEARNING_AUTHOR = ("learning.view_lesson", "learning.add_lesson", "learning.change_lesson")

_REGISTRATION_ADMIN = (
    "registration.view_application",
    "registration.view_bill",
    "registration.add_subjectfee",
    "registration.change_subjectfee",
    "registration.view_subjectfee",
    "registration.add_payment",
    "registration.view_payment",
)

ROLES = (
    Role(CANDIDATE, _("考生"), ()),
    Role(INSTITUTION, _("合作机构"), ("accounts.view_person", "accounts.add_person")),
    Role(
        REVIEWER,
        _("审核员"),
        ("accounts.view_person", "accounts.view_institution", "registration.view_application"),
    ),
    Role(
        TEACHER,
        _("师资"),
        ("catalog.view_subject", "catalog.view_knowledgepoint", *_LEARNING_AUTHOR),
    ),
    Role(
        QUESTION_EDITOR,
        _("命题"),
        ("catalog.view_subject", "catalog.view_knowledgepoint", "bank.view_question"),
    ),
    Role(PROCTOR, _("考场负责人"), ("sittings.view_sitting", "accounts.view_person")),
    Role(GRADER, _("阅卷"), ("sittings.view_sitting",)),
    # Arbitrates answers whose two marks differ too much, watches progress and drift.
    Role(
        CHIEF_GRADER,
        _("阅卷组长"),
        (
            "sittings.view_sitting",
            "grading.view_assignment",
            "grading.add_assignment",
            "grading.change_assignment",
            "grading.delete_assignment",
        ),
    ),
    Role(
        ADMINISTRATOR,
        _("管理员"),
        _CATALOG_ALL
        + _SITTINGS_ALL
        + _REGISTRATION_ADMIN
        + _LEARNING_AUTHOR
        + (
            "accounts.add_institution",
            "accounts.change_institution",
            "accounts.view_institution",
            "accounts.add_person",
            "accounts.change_person",
            "accounts.view_person",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_user",
            "audit.view_auditevent",
            "grading.view_result",
            "grading.view_reviewrequest",
            "grading.view_assignment",
            "grading.add_assignment",
            "grading.change_assignment",
            "grading.delete_assignment",
            "grading.view_keycorrection",
            "proctoring.view_cheatingcase",
        ),
    ),
)
ROLE_BY_CODE = {role.code: role for role in ROLES}
# Roles whose members work in the back office (Django admin) as staff.
STAFF_ROLES = frozenset(
    {REVIEWER, TEACHER, QUESTION_EDITOR, PROCTOR, GRADER, CHIEF_GRADER, ADMINISTRATOR}
)
