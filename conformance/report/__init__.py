"""Reports of a run: report.json, report.md, report.html."""
