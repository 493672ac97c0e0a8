"""Docker Compose files: services and the roles they play (:mod:`.model`), adding a service
and the ``{{service:NAME}}`` placeholder (:mod:`.primitives`)."""
