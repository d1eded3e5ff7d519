from eport.entrypoints.cli import main

main()
