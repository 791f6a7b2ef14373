"""`python -m publisher.cli`: the same as the `publisher` command."""

from publisher.cli.main import main

main()
