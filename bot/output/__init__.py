"""What the bot writes for people: console lines, logs, notifications, and the scrubbing of secrets."""
