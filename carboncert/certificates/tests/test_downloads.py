"""Who downloads what: the holder their PDF and credential, the institution its sitting's
ZIP, administrators everything; the credential verifies with the published key."""

import datetime
import io
import json
import zipfile

import pytest

from carboncert import testing
from carboncert.accounts import roles
from carboncert.accounts.services import ensure_candidate_login
from carboncert.certificates import credentials, keys, services

from .conftest import passed_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(december):
    sitting, subject = december
    results = passed_candidates(3, sitting, subject)
    return [services.issue(r, on=datetime.date(2027, 2, 20)) for r in results]


def test_the_holder_downloads_theirs_and_nobody_else_does(issued, client):
    mine, other = issued[0], issued[1]
    holder = ensure_candidate_login(mine.application.person, testing.PASSWORD)
    client.force_login(holder)
    page = client.get("/certificates/").content.decode()
    assert mine.number in page and other.number not in page
    response = client.get(f"/certificates/{mine.number}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client.get(f"/certificates/{other.number}.pdf").status_code == 403
    for user in (testing.staff("g", roles.GRADER), testing.staff("p", roles.PROCTOR),
                 testing.staff("i2", roles.INSTITUTION, testing.institution("other", "别的学校"))):  # fmt: skip
        client.force_login(user)
        assert client.get(f"/certificates/{mine.number}.pdf").status_code == 403
    client.logout()
    assert client.get(f"/certificates/{mine.number}.pdf").status_code == 302


def test_the_credential_is_an_open_badge_signed_with_the_certificate_key(issued, client):
    certificate = issued[0]
    client.force_login(testing.administrator())
    document = json.loads(client.get(f"/certificates/{certificate.number}.json").content)
    assert "OpenBadgeCredential" in document["type"]
    assert document["credentialSubject"]["name"] == certificate.name
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    kid = document["proof"]["verificationMethod"].rsplit("#", 1)[1]
    public = keys.public_keys()[kid]
    assert credentials.verify(document, public)
    document["credentialSubject"]["name"] = "李四"
    assert not credentials.verify(document, public)


def test_the_institution_downloads_its_sitting_as_one_zip(issued, client):
    staff = testing.staff("inst", roles.INSTITUTION, issued[0].application.institution)
    client.force_login(staff)
    assert (
        str(issued[0].sitting.date.year)
        in client.get("/certificates/institution/").content.decode()
    )
    admin = testing.administrator()
    services.revoke(issued[2], admin, "违纪")
    response = client.get(f"/certificates/institution/{issued[0].sitting_id}.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)  # not the revoked one
    assert all(archive.read(n).startswith(b"%PDF-") for n in names)
    client.force_login(testing.staff("other", roles.INSTITUTION, testing.institution("o", "别校")))
    assert client.get(f"/certificates/institution/{issued[0].sitting_id}.zip").status_code == 404


def test_administrators_revoke_and_reissue_on_the_page(issued, client):
    certificate = issued[0]
    client.force_login(testing.administrator())
    page = client.get(f"/certificates/manage/?q={certificate.number}").content.decode()
    assert certificate.name in page
    client.post(f"/certificates/manage/{certificate.number}/reissue/", {"reason": "污损"})
    response = client.post(f"/certificates/manage/{certificate.number}/revoke/", {"reason": ""},
                           follow=True)  # fmt: skip
    assert "须填写原因" in response.content.decode()
    client.post(f"/certificates/manage/{certificate.number}/revoke/", {"reason": "替考"})
    certificate.refresh_from_db()
    assert certificate.pdf_version == 2 and certificate.revoked
    client.force_login(testing.staff("g", roles.GRADER))
    assert client.get("/certificates/manage/").status_code == 403
