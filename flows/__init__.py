"""Page objects for the Damancom screens, and the flows that sequence them."""
