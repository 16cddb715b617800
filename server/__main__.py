from ml_expert.cli import main

main()
