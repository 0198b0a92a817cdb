"""`python -m evenergy`: the evenergy command."""

from ._cli import main

main()
