"""Test support shared by every app's tests, the root conftest and the browser tests.

Not an app and not installed: product code never imports it."""
