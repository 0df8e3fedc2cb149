"""The XForm of an XLSForm, made by pyxform (ODK's own converter): what ODK Collect, Enketo and
KoboToolbox load. An upload is refused when pyxform refuses it, with pyxform's message, before
Parcours' own reader checks what its web form can show."""

import io

from parcours.instruments.xlsform import XLSFormError, pyxform_message
from parcours.spreadsheets import SpreadsheetError, check_workbook


def to_xform(data: bytes) -> str:
    """The XForm XML of an XLSForm's bytes, or XLSFormError with pyxform's reasons. A workbook
    that would unpack beyond the limits is refused before pyxform opens it."""
    # Loaded here, as in xlsform.read: commands that never convert a form do not load it.
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        check_workbook("XLSForm", data)
    except SpreadsheetError as error:
        raise XLSFormError([str(error)]) from None
    try:
        result = convert(xlsform=io.BytesIO(data), file_type=".xlsx", warnings=[])
    except PyXFormError as error:
        raise XLSFormError([pyxform_message(error)]) from None
    except Exception as error:  # pyxform reads any workbook; anything else is not an XLSForm
        raise XLSFormError([f"pyxform cannot read it ({error.__class__.__name__})"]) from None
    return result.xform
