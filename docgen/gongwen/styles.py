"""The ids of the paragraph styles docgen's official layout defines (ASCII, which every Word
and WPS version accepts; users see the Chinese names ``official`` gives them)."""

BODY = "Normal"
TITLE = "Title"
HEADING_1 = "Heading1"
HEADING_2 = "Heading2"
HEADING_3 = "Heading3"
RECIPIENT = "GwRecipient"
SIGNATURE = "GwSignature"
DATE = "GwDate"
ATTACHMENT = "GwAttachment"
ANNEX_LABEL = "GwAnnexLabel"
TABLE_TEXT = "GwTableText"
TABLE_HEADER = "GwTableHeader"
RECORD = "GwRecord"  # the 版记's paragraphs
FOOTER = "Footer"
HEADER = "Header"
