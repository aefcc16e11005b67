"""pytest plugin part that writes the reports (to be written)."""
