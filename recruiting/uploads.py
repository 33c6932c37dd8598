from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class CVUploadHandler(FileUploadHandler):
    """
    Stops reading an uploaded file as soon as it passes settings.CV_MAX_BYTES: the file
    is dropped but the rest of the form is still read, so the form can say the CV is too
    large and show again everything else the applicant typed. Installed first by the
    apply view, before anything reads the request body.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.too_large = set()
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > settings.CV_MAX_BYTES:  # all files of the request together
            self.too_large.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
