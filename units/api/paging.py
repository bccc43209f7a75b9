"""Page-numbered lists of the read-out endpoints (results, circulars, figures).

These lists are bounded (a scheme's units, a year's months, the circulars made public) and
read in a stable order (each ends on a unique key), so a page number is enough; the changes
feed, which only grows, keeps its own cursor (complaints.api.views)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PagePagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "页码，从 1 开始 / page number, from 1"
    page_size_query_description = (
        f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE} / page size "
        f"(default {PAGE_SIZE}, at most {MAX_PAGE_SIZE})"
    )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = "总条数 / number of rows"
        properties["next"]["description"] = "下一页的地址，没有则为 null / the next page's URL"
        properties["previous"]["description"] = "上一页的地址 / the previous page's URL"
        properties["next"]["example"] = "https://zuofeng.example.gov.cn/api/v1/…?page=3"
        properties["previous"]["example"] = "https://zuofeng.example.gov.cn/api/v1/…?page=1"
        return described
