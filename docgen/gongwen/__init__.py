"""GB/T 9704-2012 (党政机关公文格式): the standard's layout, lint and format of drafts."""
