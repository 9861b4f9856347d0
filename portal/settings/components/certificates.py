"""Certificates: issuer name printed on the PDF, number prefix and fonts."""

from . import env

CERTIFICATE_ISSUER = env.str(
    "CERTIFICATE_ISSUER", default="Whole Cyber Human Initiative"
)
CERTIFICATE_NUMBER_PREFIX = env.str("CERTIFICATE_NUMBER_PREFIX", default="WCH")
CERTIFICATE_FONT = env.str(
    "CERTIFICATE_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
CERTIFICATE_FONT_BOLD = env.str(
    "CERTIFICATE_FONT_BOLD",
    default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
