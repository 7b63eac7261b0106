"""One router per area; web pages can be added as another router using ``auth.current_principal``."""
