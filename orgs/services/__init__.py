"""The organization services, one module per area: organizations (O1, O4), billing
addresses (O5), members (O2, O6) and invitations (O3). Import from the module."""
