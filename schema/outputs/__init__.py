"""Outputs: what the core writes for people to print, import or subscribe to (posters, PDFs,
spreadsheets, calendar feeds). Read models and services feed them; they change no records."""
