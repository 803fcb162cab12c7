"""Refuse an oversized request before Django writes it to a temporary file."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict


class RequestSizeLimit(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a 2 GB upload is stopped at its headers, not after it lands."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.MAX_UPLOAD_REQUEST_BYTES:
            # Returning the parsed data ourselves tells Django not to read the body at all;
            # the view sees an empty form and the flag, and says the file was too large.
            self.request.upload_refused = True
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
