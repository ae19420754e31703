from migdip.cli import main

main()
