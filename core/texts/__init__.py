"""Per-lab translation tables, merged by core.i18n."""
