"""The operating system's side: Moroccan time, private files, cross-process locks."""
