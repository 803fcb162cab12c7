"""The JSON API (OpenAPI at /api/docs): the exam client's endpoints (exams, proctoring)."""

from ninja import NinjaAPI

from carboncert.exams.api import router as exam_router
from carboncert.proctoring.api import router as proctoring_router

api = NinjaAPI(title="carboncert", version="1", urls_namespace="api")
api.add_router("/exam/", exam_router)
api.add_router("/exam/", proctoring_router)  # identity and messages, same token
