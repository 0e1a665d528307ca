from django.conf import settings

from chinhquyen import __version__
from chinhquyen.core.preferences import read_preferences


def platform(request):
    return {
        "platform_version": __version__,
        "platform_name": getattr(settings, "PLATFORM_NAME", "ChinhQuyen"),
        "province_name": getattr(settings, "PROVINCE_NAME", ""),
    }


def preferences(request):
    """Text size and contrast chosen in this browser (cookies), as classes for ``<html>``."""
    prefs = read_preferences(request.COOKIES)
    return {"display_preferences": prefs, "html_classes": prefs.html_classes}
