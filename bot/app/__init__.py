"""`damancom-bot app`: the local dashboard (one French page on 127.0.0.1) for people who do not use a terminal."""
