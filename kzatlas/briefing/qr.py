"""The QR code a pack carries: the link back to the same view in the atlas."""

from __future__ import annotations

import io

import segno

QR_SCALE = 8
QR_BORDER = 4
QR_ERROR = "m"


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG (black on white, ``QR_SCALE`` pixels per module).

    Parameters
    ----------
    url : str
        The link to encode; must not be empty.

    Returns
    -------
    bytes
        PNG image data.

    Raises
    ------
    ValueError
        If ``url`` is empty.
    """
    if not url:
        raise ValueError("nothing to encode")
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()
