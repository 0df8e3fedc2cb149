"""Turning our HTML documents into PDF (WeasyPrint), the one way both PDFs are made."""

from django.conf import settings

STYLES = settings.PACKAGE_DIR / "static" / "parcours"


def pdf_bytes(html: str, *stylesheets: str) -> bytes:
    """A PDF of ``html`` with the charts' stylesheet and ``stylesheets`` (file names under
    static/parcours/, shared with the page); relative addresses resolve inside the package,
    so the renderer never fetches anything over the network."""
    from weasyprint import CSS, HTML

    document = HTML(string=html, base_url=str(settings.PACKAGE_DIR))
    sheets = [CSS(filename=str(STYLES / name)) for name in ("charts.css", *stylesheets)]
    return document.write_pdf(stylesheets=sheets)
