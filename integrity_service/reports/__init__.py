"""PDF audit reports and the charts shared by the reports and the auditor pages."""
