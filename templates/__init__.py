"""The bundled Jinja2 templates; a file of the same name in WARROOM_TEMPLATES_DIR overrides one."""
