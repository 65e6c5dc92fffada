"""Screens of the app: help, small forms, settings."""
