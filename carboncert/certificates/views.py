"""Public verification (no login, rate-limited, mobile-first), the holder's and the
institution's downloads, and the administrators' issue, revoke and re-issue."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carboncert.accounts import roles, throttle
from carboncert.grading.models import Result
from carboncert.sittings.models import Sitting
from carboncert.web import attachment, role_required

from . import numbers, services
from .models import Certificate, SigningKey

admin_required = role_required(roles.ADMINISTRATOR)


# --- public ----------------------------------------------------------------------------------


def _throttled(request) -> bool:
    address = throttle.client_address(request)
    return not throttle.allow("certificate-verify", address, settings.VERIFY_PER_MINUTE, 60)


@never_cache
def verify(request):
    verdict = None
    number, name = request.GET.get("number", ""), request.GET.get("name", "")
    if number or name:
        if _throttled(request):
            return render(request, "certificates/verify.html", {"throttled": True}, status=429)
        verdict = services.look_up(number, name)
    return render(request, "certificates/verify.html",
                  {"verdict": verdict, "number": number, "name": name})  # fmt: skip


@never_cache
def scan(request, token):
    if _throttled(request):
        return render(request, "certificates/verify.html", {"throttled": True}, status=429)
    verdict = services.check_token(token)
    return render(request, "certificates/verify.html",
                  {"verdict": verdict, "scanned": True})  # fmt: skip


def public_keys(request):
    """Every public key that has signed certificates: verify a QR payload offline with them."""
    found = {k.kid: k.public_key for k in SigningKey.objects.order_by("created_at")}
    response = JsonResponse({"algorithm": "Ed25519", "encoding": "base64url raw", "keys": found})
    response["Cache-Control"] = "public, max-age=300"  # a new key reaches checkers soon
    return response


# --- the holder's and the institution's -------------------------------------------------------


def _may_download(user, certificate: Certificate) -> bool:
    if user.has_role(roles.ADMINISTRATOR):
        return True
    if user.has_role(roles.CANDIDATE) and user.person_id == certificate.application.person_id:
        return True
    return bool(
        user.has_role(roles.INSTITUTION)
        and user.institution_id == certificate.application.institution_id
    )


def _valid_certificate_for(request, number) -> Certificate:
    """The certificate if this user may download it; a revoked one no longer exists."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("application", "subject__specialty", "subject__level",
                                           "sitting"), number=number)  # fmt: skip
    if not _may_download(request.user, certificate):
        raise PermissionDenied
    if certificate.revoked:
        raise Http404("该证书已撤销。")
    return certificate


@role_required(roles.CANDIDATE)
def mine(request):
    found = Certificate.objects.filter(application__person_id=request.user.person_id)
    return render(request, "certificates/mine.html",
                  {"certificates": found.select_related("subject__specialty", "subject__level")})  # fmt: skip


@login_required
def download(request, number):
    certificate = _valid_certificate_for(request, number)
    return attachment(services.pdf_of(certificate), f"证书_{certificate.number}.pdf",
                      "application/pdf")  # fmt: skip


@login_required
def credential(request, number):
    certificate = _valid_certificate_for(request, number)
    body = json.dumps(services.credential_of(certificate), ensure_ascii=False, indent=2)
    return attachment(body.encode(), f"证书_{certificate.number}.json", "application/ld+json")


@role_required(roles.INSTITUTION)
def institution(request):
    if not request.user.institution_id:
        raise PermissionDenied
    sittings = (
        Certificate.objects.filter(application__institution_id=request.user.institution_id)
        .values("sitting", "sitting__date", "sitting__kind")
        .annotate(n=Count("pk"), revoked=Count("pk", filter=Q(revoked_at__isnull=False)))
        .order_by("-sitting__date")
    )
    return render(request, "certificates/institution.html", {"sittings": sittings})


@role_required(roles.INSTITUTION)
def institution_zip(request, sitting_pk):
    if not request.user.institution_id:
        raise PermissionDenied
    sitting = get_object_or_404(Sitting, pk=sitting_pk)
    found = Certificate.objects.filter(
        sitting=sitting, application__institution_id=request.user.institution_id,
        revoked_at__isnull=True,
    ).select_related("application", "subject__specialty", "subject__level", "sitting")  # fmt: skip
    if not found.exists():
        raise Http404("该考试批次没有证书。")
    name = f"证书_{request.user.institution.code}_{sitting.date:%Y%m%d}"
    return attachment(services.zip_of(found, name), f"{name}.zip", "application/zip")


# --- administrators --------------------------------------------------------------------------


@admin_required
def manage(request):
    query = (request.GET.get("q") or "").strip()
    found = Certificate.objects.select_related("subject", "sitting")
    if query:
        found = found.filter(Q(number=numbers.normalise(query)) | Q(name=query))
    sittings = list(
        Sitting.objects.filter(results_on__lte=timezone.localdate()).order_by("-date")[:12]
    )
    waiting = dict(
        Result.objects.filter(sitting__in=sittings, outcome=Result.Outcome.PASSED,
                              certificate__isnull=True)
        .values("sitting").annotate(n=Count("pk")).values_list("sitting", "n")
    )  # fmt: skip
    issued = dict(
        Certificate.objects.filter(sitting__in=sittings)
        .values("sitting").annotate(n=Count("pk")).values_list("sitting", "n")
    )  # fmt: skip
    rows = [(s, issued.get(s.pk, 0), waiting.get(s.pk, 0)) for s in sittings]
    return render(request, "certificates/manage.html",
                  {"certificates": found[:100], "q": query, "sittings": rows})  # fmt: skip


@admin_required
@require_POST
def issue_sitting(request, pk):
    sitting = get_object_or_404(Sitting, pk=pk)
    try:
        n = services.issue_sitting(sitting, request.user)
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"已颁发 {n} 张证书。")
    return redirect("certificates:manage")


@admin_required
def detail(request, number):
    certificate = get_object_or_404(Certificate, number=number)
    return render(request, "certificates/detail.html",
                  {"c": certificate, "url": services.qr_url(certificate.token)})  # fmt: skip


@admin_required
@require_POST
def revoke(request, number):
    certificate = get_object_or_404(Certificate, number=number)
    try:
        services.revoke(certificate, request.user, request.POST.get("reason", ""))
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "证书已撤销；扫码和查询将显示“已撤销”。")
    return redirect("certificates:detail", number)


@admin_required
@require_POST
def reissue(request, number):
    certificate = get_object_or_404(Certificate, number=number)
    try:
        services.reissue(certificate, request.user, request.POST.get("reason", ""))
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "已补发：证书编号不变，已生成新的证书文件。")
    return redirect("certificates:detail", number)
