"""The engine the screens run on: steps and their waiting, watchers, locating, selectors data, teach mode."""
