"""The web panel's pages that compose several domains: the dashboard, the
navigation and layout context, and the pages of cross-domain flows."""
