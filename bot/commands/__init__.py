"""One module per CLI command: HELP, add_options(parser), run(args, env) -> exit code."""
