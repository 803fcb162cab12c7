"""The only way views fetch applications: every query scoped to what the user may see.

A candidate sees their own, institution staff their institution's, reviewers
and administrators all. Anything else is a 404, so another institution's
records are not even confirmed to exist.
"""

from django.http import Http404

from carboncert.accounts import roles

from .models import Application, Document

STAFF_VIEWERS = (roles.REVIEWER, roles.ADMINISTRATOR)


def applications_for(user):
    qs = Application.objects.select_related(
        "person", "institution", "subject__specialty", "subject__level", "sitting"
    )
    if not user.is_authenticated:
        return qs.none()
    if any(user.has_role(r) for r in STAFF_VIEWERS):
        return qs
    if user.has_role(roles.INSTITUTION) and user.institution_id:
        return qs.filter(institution_id=user.institution_id)
    if user.has_role(roles.CANDIDATE) and user.person_id:
        return qs.filter(person_id=user.person_id)
    return qs.none()


def get_application_for(user, pk) -> Application:
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_document_for(user, token) -> Document:
    try:
        return Document.objects.select_related("application").get(
            token=token, application__in=applications_for(user)
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None


def is_institution_staff(user) -> bool:
    return user.is_authenticated and user.has_role(roles.INSTITUTION) and bool(user.institution_id)


def is_reviewer(user) -> bool:
    return user.is_authenticated and any(user.has_role(r) for r in STAFF_VIEWERS)
