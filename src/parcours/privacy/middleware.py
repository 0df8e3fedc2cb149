class NoStoreMiddleware:
    """Pages of signed-in users must not linger in shared or browser caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


# Browser features a page may use: none, except the camera where a document can be photographed
# (views marked with ``allow_camera``).
_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
)


def permissions_policy(camera: bool = False) -> str:
    return ", ".join(
        f"{feature}=(self)" if camera and feature == "camera" else f"{feature}=()"
        for feature in _FEATURES
    )


def allow_camera(view):
    """Mark a view whose page may use the camera (photographing a document)."""
    view.parcours_allows_camera = True
    return view


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy on every response; see ``allow_camera``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        camera = getattr(request, "parcours_allows_camera", False)
        response.headers.setdefault("Permissions-Policy", permissions_policy(camera))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.parcours_allows_camera = getattr(view_func, "parcours_allows_camera", False)
