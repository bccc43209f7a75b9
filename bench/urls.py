"""The bench's URLs (config/settings/bench.py only): every production URL, and the floor."""

from django.urls import path

from bench.floor_view import floor
from config.urls import urlpatterns as production

urlpatterns = [
    path("bench/floor/<str:code>/", floor, name="bench_floor"),
    *production,
]
