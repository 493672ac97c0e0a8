"""pnpm workspaces: npm versions and ranges, the workspace catalog and the lockfile's resolutions."""
