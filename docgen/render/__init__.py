"""Rendering .docx templates: sandbox, filters, pictures, compile once and render many."""
