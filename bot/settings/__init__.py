"""Settings: the environment, `.env` and their bounds."""
