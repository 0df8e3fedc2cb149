"""Turning our HTML documents into PDF (WeasyPrint), the one way both PDFs are made."""

from django.conf import settings

STYLES = settings.PACKAGE_DIR / "static" / "parcours"


def pdf_bytes(html: str, *stylesheets: str) -> bytes:
    """A PDF of ``html`` with ``stylesheets`` (file names under static/parcours/, shared with
    the page); relative addresses resolve inside the package, so the renderer never fetches
    anything over the network."""
    from weasyprint import CSS, HTML

    document = HTML(string=html, base_url=str(settings.PACKAGE_DIR))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLES / n)) for n in stylesheets])


def svg_style() -> str:
    """The pictures' rules for an SVG drawn into a PDF: WeasyPrint styles an SVG only from a
    style element inside it, while a page takes them from charts.css (the CSP refuses inline
    styles in pages, and PDFs are never served as pages)."""
    return (STYLES / "charts.css").read_text()
