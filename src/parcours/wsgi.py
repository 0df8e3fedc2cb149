"""WSGI entry point for gunicorn or any WSGI server."""

import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")

# Python 3.11 keeps its frames in chunks of 16 KiB and gives a chunk back to the system as
# soon as the stack leaves it. A request whose calls go back and forth across the end of a
# chunk (the template engine escaping each value of a page, a few hundred times) asks for
# and gives back memory at every crossing: 4 ms of a 17 ms case list under gunicorn
# (CPython gh-142183; later 3.13 and 3.14 releases keep one chunk). Each request runs in a frame too
# large for what is left of the current chunk, so it starts a chunk of its own (256 KiB, a
# request's frames use a fraction of it) and crosses no end until it returns.
_FRAME_WORDS = 16_384
_LARGE_FRAME = (
    "def handle(environ, start_response):\n"
    "    return django(environ, start_response)\n"
    # never run: names the frame's slots (one word each)
    f"    {' = '.join(f'_{i}' for i in range(_FRAME_WORDS))} = None\n"
)


def _in_a_chunk_of_its_own(django):
    """``django``, called from a frame that starts a chunk of the frame stack."""
    namespace = {"django": django}
    exec(_LARGE_FRAME, namespace)  # noqa: S102 - our own constant source, no input in it
    return namespace["handle"]


application = _in_a_chunk_of_its_own(get_wsgi_application())


def warm_up() -> None:
    """Load now what the first requests would load anyway: Parcours' templates (compiled and
    kept by the cached loader), each language's catalogue and the URL map. Loaded before the
    heap is frozen, they stay out of the collector's passes too."""
    from django.conf import settings
    from django.template import engines
    from django.template.utils import get_app_template_dirs
    from django.urls import reverse
    from django.utils import translation

    package = Path(__file__).resolve().parent
    engine = engines["django"]
    for folder in [*engine.engine.dirs, *get_app_template_dirs("templates")]:
        folder = Path(folder)
        if not folder.is_relative_to(package):
            continue
        for path in folder.rglob("*.html"):
            engine.get_template(path.relative_to(folder).as_posix())
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Cases")
    reverse("login")


warm_up()
# What is loaded now lives as long as the process: keep it out of the garbage collector's
# passes, which walked its ~120 000 objects every few requests (70 ms each time; the case list's
# p95 was three times its median, 123 against 41 ms at 30 000 families; frozen, 63 ms).
gc.collect()
gc.freeze()
