"""The SSDA903 return files: their shape (from the seed) and how they are written."""
