"""Tests of the PDF reports and charts."""
