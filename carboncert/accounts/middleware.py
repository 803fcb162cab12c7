from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation


class ProgrammeLanguageMiddleware:
    """Simplified Chinese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which
    puts an English-language browser into a half-translated programme; the
    programme's language is Chinese, English is an explicit choice (a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        offered = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in offered else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class PasswordChangeRequiredMiddleware:
    """A login whose password was issued to it (the last four of an ID number) must change it first."""

    # The API authenticates its own way (the exam's bearer token): looking at request.user
    # there would read the session table on every save.
    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.ALLOWED):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            return redirect("accounts:password_change")
        return self.get_response(request)
