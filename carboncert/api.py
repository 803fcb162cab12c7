"""The JSON API (OpenAPI at /api/docs): the exam client's endpoints."""

from ninja import NinjaAPI

from carboncert.exams.api import router as exam_router

api = NinjaAPI(title="carboncert", version="1", urls_namespace="api")
api.add_router("/exam/", exam_router)
