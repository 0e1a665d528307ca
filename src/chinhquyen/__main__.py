from chinhquyen.cli import main

main()
