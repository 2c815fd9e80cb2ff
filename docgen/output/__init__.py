"""Writing outputs: safe files and names, batches, PDF through LibreOffice."""
