"""The JSON API (OpenAPI at /api/docs): the exam client's endpoints (exams, proctoring) and its
practice mode for mock papers (learning)."""

from ninja import NinjaAPI

from carboncert.exams.api import router as exam_router
from carboncert.learning.mock_api import router as mock_router
from carboncert.proctoring.api import router as proctoring_router

api = NinjaAPI(title="carboncert", version="1", urls_namespace="api")
api.add_router("/exam/", exam_router)
api.add_router("/exam/", proctoring_router)  # identity and messages, same token
api.add_router("/mock/", mock_router)  # mock papers in the exam client's practice mode
