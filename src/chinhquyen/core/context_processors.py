from django.conf import settings

from chinhquyen import __version__


def platform(request):
    return {
        "platform_version": __version__,
        "platform_name": getattr(settings, "PLATFORM_NAME", "ChinhQuyen"),
    }
