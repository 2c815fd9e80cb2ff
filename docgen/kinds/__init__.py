"""Document kinds: the registry of kind folders, their manifests and context functions."""
