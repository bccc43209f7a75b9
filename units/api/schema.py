"""What every app's endpoints share in the schema: the error body and the documented error
answers (each app's `api/views.py` lists the ones its endpoints give)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


def bilingual(zh: str, en: str) -> str:
    """Schema descriptions are written in both languages, independent of the caller's."""
    return f"{zh} / {en}"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=bilingual("错误说明", "what went wrong"))


class UnitRefSerializer(serializers.Serializer):
    """A unit named by its code (单位编码) and name."""

    code = serializers.CharField(help_text=bilingual("单位编码", "unit code"))
    name = serializers.CharField(help_text=bilingual("单位名称", "unit name"))


UNAUTHORISED = OpenApiResponse(
    ErrorSerializer, description="未提供或无效的密钥 / no or invalid key"
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="无此权限 / scope missing")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="不存在或不在范围内 / not found or out of scope"
)
PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="页码超出范围 / no such page")
THROTTLED = OpenApiResponse(ErrorSerializer, description="调用过于频繁 / rate limit reached")
UNSUPPORTED_MEDIA = OpenApiResponse(
    ErrorSerializer,
    description="请求体不是所列格式之一（如缺少 Content-Type）/ body in none of the listed media types",
)
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT, description="输入有误，按字段列出中文说明 / invalid input, per field"
)
