"""WSGI entry point: ``gunicorn wsgi:app``."""

from integrity_service import create_app

app = create_app()
