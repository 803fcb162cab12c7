from django import template
from django.urls import reverse
from django.utils import timezone

from carboncert.learning import mock

register = template.Library()


@register.simple_tag
def mock_window(application):
    """When the application's mock papers open and close, whether they are open today, and
    the list page's address: {opens_on, closes_on, state (later|open|over), url}."""
    window = mock.window_of(application)
    return {
        "opens_on": window.opens_on,
        "closes_on": window.closes_on,
        "state": window.state(timezone.localdate()),
        "url": reverse("learning:mocks", args=[application.subject.code]),
    }
